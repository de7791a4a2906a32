using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>Exact output of the Parallel.ForEachAsync and bounded-channel rewrites (BND1001, BND1002).</summary>
public class ConcurrencyFixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private static Task FixTaskRun(string source, string fixedSource, string key, string? editorConfig = null, string fixedUsings = Usings) =>
        Verify.FixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + source, fixedUsings + fixedSource, key, editorConfig);

    [Fact]
    public Task CollectedAsyncWorkBecomesParallelForEachAsync() => FixTaskRun("""
        class Uploader
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task UploadAllAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
            {
                var uploads = new List<Task>();
                foreach (var path in paths)
                {
                    uploads.Add({|BND1001:Task.Run|}(async () =>
                    {
                        using var content = new StringContent(path);
                        await _http.PostAsync("http://localhost/upload", content, cancellationToken);
                    }));
                }

                await Task.WhenAll(uploads);
            }
        }
        """, """
        class Uploader
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task UploadAllAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
            {
                var maxConcurrency = 16;
                await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken }, async (path, ct) =>
                {
                    using var content = new StringContent(path);
                    await _http.PostAsync("http://localhost/upload", content, ct);
                });
            }
        }
        """, UnboundedTaskSpawnCodeFixProvider.ParallelForEachAsyncKey);

    [Fact]
    public Task SyncWorkReturnsACompletedValueTask() => FixTaskRun("""
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(string[] paths)
            {
                var pending = new List<Task>();
                foreach (var path in paths)
                {
                    pending.Add({|BND1001:Task.Run|}(() => Index(path)));
                }

                await Task.WhenAll(pending).ConfigureAwait(false);
            }
        }
        """, """
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(string[] paths)
            {
                var maxConcurrency = 6;
                await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency }, (path, ct) =>
                {
                    Index(path);
                    return ValueTask.CompletedTask;
                }).ConfigureAwait(false);
            }
        }
        """, UnboundedTaskSpawnCodeFixProvider.ParallelForEachAsyncKey, editorConfig: "bounded.max_concurrency = 6");

    [Fact]
    public Task FireAndForgetBecomesABoundedChannelWorkerPool() => FixTaskRun("""
        class Notifier
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task NotifyAllAsync(IAsyncEnumerable<string> subscribers, CancellationToken cancellationToken)
            {
                await foreach (var subscriber in subscribers)
                {
                    _ = {|BND1001:Task.Run|}(() => _http.PostAsync(subscriber, null, cancellationToken));
                }
            }
        }
        """, """
        class Notifier
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task NotifyAllAsync(IAsyncEnumerable<string> subscribers, CancellationToken cancellationToken)
            {
                var maxConcurrency = 16;
                var queue = Channel.CreateBounded<string>(new BoundedChannelOptions(maxConcurrency) { FullMode = BoundedChannelFullMode.Wait });
                var workers = new Task[maxConcurrency];
                for (var i = 0; i < maxConcurrency; i++)
                {
                    workers[i] = Task.Run(async () =>
                    {
                        try
                        {
                            await foreach (var subscriber in queue.Reader.ReadAllAsync())
                            {
                                await _http.PostAsync(subscriber, null, cancellationToken);
                            }
                        }
                        catch (Exception exception)
                        {
                            queue.Writer.TryComplete(exception);
                            throw;
                        }
                    });
                }

                try
                {
                    await foreach (var subscriber in subscribers)
                    {
                        await queue.Writer.WriteAsync(subscriber, cancellationToken);
                    }
                }
                finally
                {
                    queue.Writer.TryComplete();
                    await Task.WhenAll(workers);
                }
            }
        }
        """, UnboundedTaskSpawnCodeFixProvider.BoundedChannelKey, fixedUsings: Usings.Replace("using System.Threading;\n", "using System.Threading;\nusing System.Threading.Channels;\n"));

    [Fact]
    public Task CollectedCallsBecomeParallelForEachAsync() => Verify.FixAsync<UnboundedFanOutAnalyzer, UnboundedFanOutCodeFixProvider>(Usings + """
        class Store
        {
            private Task SaveAsync(int id, CancellationToken cancellationToken) => Task.CompletedTask;

            public async Task SaveAllAsync(List<int> ids, CancellationToken cancellationToken)
            {
                var saves = new List<Task>();
                foreach (var id in ids)
                {
                    saves.Add({|BND1002:SaveAsync|}(id, cancellationToken));
                }

                await Task.WhenAll(saves);
            }
        }
        """, Usings + """
        class Store
        {
            private Task SaveAsync(int id, CancellationToken cancellationToken) => Task.CompletedTask;

            public async Task SaveAllAsync(List<int> ids, CancellationToken cancellationToken)
            {
                var maxConcurrency = 16;
                await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken }, async (id, ct) =>
                {
                    await SaveAsync(id, ct);
                });
            }
        }
        """, UnboundedFanOutCodeFixProvider.ParallelForEachAsyncKey);

    [Fact]
    public Task NoParallelRewriteWhenResultsAreUsed() => Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Crawler
        {
            private readonly HttpClient _http = new HttpClient();

            public Task<string[]> CrawlAsync(IEnumerable<string> urls)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    tasks.Add({|BND1001:Task.Run|}(() => _http.GetStringAsync(url)));
                }

                return Task.WhenAll(tasks);
            }
        }
        """.Replace("public Task<string[]> CrawlAsync", "public Task<string[]> CrawlAsync").Replace("Task.Run", "Task.Run"), ParallelKeyOnly);

    private const string ParallelKeyOnly = UnboundedTaskSpawnCodeFixProvider.ParallelForEachAsyncKey;

    [Fact]
    public Task NoParallelRewriteWhenTheLoopDoesMore() => Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                var pending = new List<Task>();
                foreach (var path in paths)
                {
                    Console.WriteLine(path);
                    pending.Add({|BND1001:Task.Run|}(() => Index(path)));
                }

                await Task.WhenAll(pending);
            }
        }
        """, ParallelKeyOnly);

    [Fact]
    public Task NoChannelRewriteWhenWorkReturnsEarly() => Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    _ = {|BND1001:Task.Run|}(() =>
                    {
                        if (path.Length == 0)
                        {
                            return;
                        }

                        Index(path);
                    });
                }
            }
        }
        """, UnboundedTaskSpawnCodeFixProvider.BoundedChannelKey);
}
