using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class SessionNoteTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly Guid Workspace = Guid.NewGuid();
    private static readonly Guid Client = Guid.NewGuid();
    private static readonly Guid User = Guid.NewGuid();

    private static SessionNoteContent Text(string? s = "Sore neck", string? o = null, string? a = "Tension", string? p = null, DateOnly? date = null, int? minutes = 60) =>
        new(s, o, a, p, date ?? Today, minutes);

    private static SessionNote Draft(SessionNoteContent? content = null) => SessionNote.Create(Workspace, Client, content ?? Text(), Today);

    private static SessionNote Finalized()
    {
        var note = Draft();
        note.Finalize(Now, User);
        return note;
    }

    [Fact]
    public void A_new_note_is_a_draft_with_no_history()
    {
        var note = Draft();

        Assert.Equal(SessionNoteStatus.Draft, note.Status);
        Assert.Equal(0, note.CurrentVersion);
        Assert.Empty(note.Versions);
        Assert.Null(note.FinalizedAt);
        Assert.Equal(("Sore neck", (string?)null, "Tension"), (note.Subjective, note.Objective, note.Assessment));
    }

    [Fact]
    public void Every_problem_is_named_by_its_field()
    {
        var tooLong = new string('x', SessionNote.FieldMaxLength + 1);
        var content = new SessionNoteContent(tooLong, "a\0b", "\ud800 lone", tooLong, Today.AddDays(1), 481);

        var problems = SessionNote.Problems(content, Today);

        Assert.Equal(["Assessment", "DurationMinutes", "Objective", "Plan", "SessionDate", "Subjective"], problems.Keys.Order());
        Assert.Contains("5,000", problems["Subjective"]);
        Assert.Contains("NUL", problems["Objective"]);
        Assert.Contains("surrogate", problems["Assessment"]);
        Assert.Contains("future", problems["SessionDate"]);
        Assert.Throws<DomainException>(() => SessionNote.Create(Workspace, Client, content, Today));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(480, true)]
    [InlineData(-1, false)]
    [InlineData(481, false)]
    public void Duration_is_from_0_to_480_minutes(int minutes, bool valid) =>
        Assert.Equal(valid, !SessionNote.Problems(Text(minutes: minutes), Today).ContainsKey("DurationMinutes"));

    [Fact]
    public void A_field_of_exactly_5000_characters_and_emoji_pairs_are_fine_and_today_is_not_the_future()
    {
        var content = Text(s: new string('x', SessionNote.FieldMaxLength), o: "Better 👍 today", date: Today);

        Assert.Empty(SessionNote.Problems(content, Today));
    }

    [Fact]
    public void Saving_a_draft_keeps_typing_as_typed_and_reports_whether_anything_changed()
    {
        var note = Draft();

        Assert.True(note.SaveDraft(Text(s: "  Sore neck\nsince Monday "), Today));
        Assert.Equal("  Sore neck\nsince Monday ", note.Subjective);
        Assert.False(note.SaveDraft(Text(s: "  Sore neck\nsince Monday "), Today));
        Assert.True(note.SaveDraft(Text(s: "   ", a: null), Today));
        Assert.Null(note.Subjective);
    }

    [Fact]
    public void Finalizing_needs_at_least_one_non_empty_field()
    {
        var empty = Draft(Text(s: " ", a: null));

        Assert.Contains("at least one", empty.WhyNotFinalize());
        Assert.Throws<DomainException>(() => empty.Finalize(Now, User));
        Assert.Equal(SessionNoteStatus.Draft, empty.Status);
    }

    [Fact]
    public void Finalizing_stores_version_1_with_the_text()
    {
        var note = Draft();

        var version = note.Finalize(Now, User);

        Assert.Equal(SessionNoteStatus.Finalized, note.Status);
        Assert.Equal(Now, note.FinalizedAt);
        Assert.Equal(1, note.CurrentVersion);
        Assert.Equal(1, version.VersionNumber);
        Assert.Equal(("Sore neck", "Tension", User, Now), (version.Subjective, version.Assessment, version.CreatedByUserId, version.CreatedAt));
        Assert.Same(version, Assert.Single(note.Versions));
        Assert.Contains("already finalized", note.WhyNotFinalize());
    }

    [Fact]
    public void A_finalized_note_never_goes_back_to_draft()
    {
        var note = Finalized();

        Assert.Contains("amendment", note.WhyNotSaveDraft());
        Assert.Throws<DomainException>(() => note.SaveDraft(Text(s: "Changed"), Today));
        Assert.Throws<DomainException>(() => note.Finalize(Now, User));
        Assert.Equal(("Sore neck", SessionNoteStatus.Finalized), (note.Subjective, note.Status));

        note.Amend(Text(s: "Amended"), Today, Now.AddHours(1), User);
        Assert.Throws<DomainException>(() => note.SaveDraft(Text(s: "Draft again?"), Today));
        Assert.Equal(SessionNoteStatus.Amended, note.Status);
    }

    [Fact]
    public void Amending_keeps_every_text_as_a_version_and_counts_amendments()
    {
        var note = Finalized();

        var second = note.Amend(Text(s: "Sore neck, left side"), Today, Now.AddHours(1), User);
        var third = note.Amend(Text(s: "Sore neck, left side", p: "Stretch daily"), Today, Now.AddHours(2), User);

        Assert.Equal(SessionNoteStatus.Amended, note.Status);
        Assert.Equal((2, 3), (note.AmendmentCount, note.CurrentVersion));
        Assert.Equal(Now.AddHours(2), note.AmendedAt);
        Assert.Equal(Now, note.FinalizedAt);
        Assert.Equal([1, 2, 3], note.Versions.Select(v => v.VersionNumber));
        Assert.Equal(["Sore neck", "Sore neck, left side", "Sore neck, left side"], note.Versions.Select(v => v.Subjective));
        Assert.Equal((2, "Stretch daily"), (second!.VersionNumber, third!.Plan));
        Assert.Equal(note.Plan, note.Versions[^1].Plan);
    }

    [Fact]
    public void Amending_with_the_same_text_adds_no_version()
    {
        var note = Finalized();

        Assert.Null(note.Amend(Text(), Today, Now.AddHours(1), User));
        Assert.Null(note.Amend(Text(minutes: 45), Today, Now.AddHours(1), User)); // the duration is not part of the text history

        Assert.Equal((SessionNoteStatus.Finalized, 0, 1, 45), (note.Status, note.AmendmentCount, note.CurrentVersion, note.DurationMinutes));
    }

    [Fact]
    public void A_draft_cannot_be_amended_and_an_amendment_cannot_empty_the_note()
    {
        Assert.Contains("draft", Draft().WhyNotAmend(Text()));
        Assert.Throws<DomainException>(() => Draft().Amend(Text(s: "x"), Today, Now, User));

        var note = Finalized();
        Assert.Throws<DomainException>(() => note.Amend(Text(s: null, a: null), Today, Now, User));
        Assert.Equal("Sore neck", note.Subjective);
    }

    [Fact]
    public void Drafts_and_finalized_notes_are_deleted_with_a_reason_and_30_days_to_restore()
    {
        foreach (var note in new[] { Draft(), Finalized() })
        {
            Assert.Contains("why", SessionNote.ReasonProblems("  ")["Reason"]);
            Assert.Throws<DomainException>(() => note.Delete(" ", Now));

            note.Delete(" Wrong client ", Now);

            Assert.Equal((Now, "Wrong client", Now.AddDays(30)), (note.DeletedAt, note.DeletedReason, note.PermanentDeleteAfter));
            Assert.True(note.IsDeleted);
            Assert.Contains("already deleted", note.WhyNotDelete());
            Assert.Contains("restore", note.WhyNotSaveDraft());
        }
    }

    [Fact]
    public void An_amended_note_cannot_be_deleted()
    {
        var note = Finalized();
        note.Amend(Text(s: "Amended"), Today, Now, User);

        Assert.Contains("medical record", note.WhyNotDelete());
        Assert.Throws<DomainException>(() => note.Delete("Mistake", Now));
        Assert.False(note.IsDeleted);
    }

    [Fact]
    public void A_deleted_note_is_restored_within_its_grace_and_purged_after_it()
    {
        var note = Finalized();
        note.Delete("Duplicate", Now);

        Assert.False(note.IsDueForPurge(Now.AddDays(30).AddTicks(-1)));
        Assert.Null(note.WhyNotRestore(Now.AddDays(30).AddTicks(-1)));
        Assert.True(note.IsDueForPurge(Now.AddDays(30)));
        Assert.Contains("30 days", note.WhyNotRestore(Now.AddDays(30)));
        Assert.Throws<DomainException>(() => note.Restore(Now.AddDays(31)));

        note.Restore(Now.AddDays(29));

        Assert.Equal(((DateTimeOffset?)null, (string?)null, (DateTimeOffset?)null), (note.DeletedAt, note.DeletedReason, note.PermanentDeleteAfter));
        Assert.Equal((SessionNoteStatus.Finalized, 1), (note.Status, note.Versions.Count));
        Assert.False(note.IsDueForPurge(Now.AddDays(60)));
        Assert.Contains("not deleted", note.WhyNotRestore(Now));
    }

    [Fact]
    public void Only_owners_read_session_notes()
    {
        Assert.True(RolePolicy.Allows(UserRole.Owner, Area.ClinicalRecord));
        Assert.False(RolePolicy.Allows(UserRole.Assistant, Area.ClinicalRecord));
    }
}
