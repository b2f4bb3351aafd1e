using System.Text.RegularExpressions;
using DiffPlex;
using DiffPlex.Chunkers;

namespace PazPaz.Pages.Notes;

public enum DiffKind { Same, Removed, Added }

/// <summary>One run of text in a word-by-word comparison: kept, taken out or put in.</summary>
public sealed record DiffPiece(DiffKind Kind, string Text);

/// <summary>
/// Word-by-word differences between two texts of a note's history, with DiffPlex (Apache-2.0). Words, runs of white space
/// and punctuation marks are compared as units, so "knee pain" → "knee stiffness" marks one word, and a changed comma
/// does not swallow the word beside it.
/// </summary>
public static partial class WordDiff
{
    public static IReadOnlyList<DiffPiece> Compare(string? older, string? newer)
    {
        older ??= "";
        newer ??= "";
        var result = Differ.Instance.CreateDiffs(older, newer, ignoreWhiteSpace: false, ignoreCase: false, Words.Instance);
        var (a, b) = (result.PiecesOld, result.PiecesNew);
        var pieces = new List<DiffPiece>();
        void Add(DiffKind kind, string text)
        {
            if (text.Length == 0) return;
            if (pieces.Count > 0 && pieces[^1].Kind == kind) pieces[^1] = pieces[^1] with { Text = pieces[^1].Text + text };
            else pieces.Add(new DiffPiece(kind, text));
        }

        var i = 0;
        foreach (var block in result.DiffBlocks)
        {
            for (; i < block.DeleteStartA; i++) Add(DiffKind.Same, a[i]);
            for (var k = 0; k < block.DeleteCountA; k++) Add(DiffKind.Removed, a[block.DeleteStartA + k]);
            for (var k = 0; k < block.InsertCountB; k++) Add(DiffKind.Added, b[block.InsertStartB + k]);
            i = block.DeleteStartA + block.DeleteCountA;
        }
        for (; i < a.Count; i++) Add(DiffKind.Same, a[i]);
        return pieces;
    }

    public static bool HasChanges(IReadOnlyList<DiffPiece> pieces) => pieces.Any(p => p.Kind != DiffKind.Same);

    /// <summary>Splits into words, white space runs and single punctuation marks, keeping every character.</summary>
    private sealed partial class Words : IChunker
    {
        public static readonly Words Instance = new();

        public IReadOnlyList<string> Chunk(string text) => Token().Matches(text).Select(m => m.Value).ToArray();

        [GeneratedRegex(@"\s+|[\p{L}\p{N}_'’-]+|.", RegexOptions.Singleline)]
        private static partial Regex Token();
    }
}
