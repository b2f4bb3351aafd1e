using Amazon.S3;
using PazPaz.Files;

namespace PazPaz.Tests.Files;

public sealed class DiskBlobStoreTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly DiskBlobStore store;

    public DiskBlobStoreTests() => store = new DiskBlobStore(Path.Combine(temp.Path, "store"));

    [Theory]
    [InlineData("../outside")]
    [InlineData("ws/../../etc/passwd")]
    [InlineData("ws/..")]
    [InlineData("/etc/passwd")]
    [InlineData("ws//file")]
    [InlineData("ws/file/")]
    [InlineData("ws/.tmp-0123")]
    [InlineData("WS/File")]
    [InlineData("ws\\file")]
    [InlineData("ws/fi le")]
    [InlineData("ws/fil\u00e9")]
    [InlineData("")]
    public async Task A_key_that_could_leave_the_folder_or_clash_is_refused(string key)
    {
        var source = temp.FileWith([1, 2, 3]);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(key, source, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(key, CancellationToken.None));
        Assert.Empty(Directory.GetFileSystemEntries(store.Root));
    }

    [Fact]
    public async Task Files_spread_over_folders_under_the_root_and_leave_no_temporary_file()
    {
        var keys = Enumerable.Range(0, 20).Select(_ => Keys.NewStorageKey()).ToList();
        foreach (var key in keys) await store.WriteAsync(key, temp.FileWith([7]), CancellationToken.None);

        var files = Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories);
        Assert.Equal(20, files.Length);
        Assert.All(files, f => Assert.StartsWith(store.Root + Path.DirectorySeparatorChar, f));
        Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith('.'));
        Assert.All(keys, key => Assert.Matches(@"/ws/[0-9a-f]{32}/_[0-9a-f]{2}/[0-9a-f]{32}$", store.PathFor(key)));
        Assert.True(keys.Select(k => Path.GetDirectoryName(store.PathFor(k))).Distinct().Count() > 1);
    }

    [Fact]
    public async Task A_reader_keeps_the_old_bytes_while_the_object_is_replaced()
    {
        var key = Keys.NewStorageKey();
        await store.WriteAsync(key, temp.FileWith([1, 1, 1]), CancellationToken.None);
        await using var reader = (await store.OpenReadAsync(key, CancellationToken.None))!;

        await store.WriteAsync(key, temp.FileWith([2, 2]), CancellationToken.None);

        Assert.Equal(new byte[] { 1, 1, 1 }, await Streams.ReadAllAsync(reader));
        await using var again = (await store.OpenReadAsync(key, CancellationToken.None))!;
        Assert.Equal(new byte[] { 2, 2 }, await Streams.ReadAllAsync(again));
    }

    [Fact]
    public async Task A_relative_root_is_taken_from_the_current_directory()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(temp.Path, "relative"));
        var relativeStore = new DiskBlobStore(relative);
        Assert.Equal(Path.Combine(temp.Path, "relative"), relativeStore.Root);
        await relativeStore.WriteAsync("a/b", temp.FileWith([5]), CancellationToken.None);
        Assert.True(File.Exists(relativeStore.PathFor("a/b")));
    }

    public void Dispose() => temp.Dispose();
}

public sealed class S3BlobStoreTests
{
    [Fact]
    public async Task A_missing_bucket_is_an_error_not_a_missing_file()
    {
        using var store = TestS3.Store(bucket: "pazpaz-no-such-bucket");
        Assert.Equal("s3", store.Name);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => store.OpenReadAsync(Keys.NewStorageKey(), CancellationToken.None));
    }
}
