using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>Exact output of the SemaphoreSlim fix for BND1001; each test also runs FixAll and checks the result compiles.</summary>
public class BND1001FixTests
{
    private const string Key = UnboundedTaskSpawnCodeFixProvider.SemaphoreKey;

    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private static Task Fix(string source, string fixedSource, string? editorConfig = null, LanguageVersion languageVersion = LanguageVersion.CSharp12) =>
        Verify.FixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + source, Usings + fixedSource, Key, editorConfig, languageVersion);

    [Fact]
    public Task AsyncLoopWaitsBeforeSpawning() => Fix("""
        class Crawler
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    tasks.Add({|BND1001:Task.Run|}(() => _http.GetStringAsync(url, cancellationToken)));
                }

                return await Task.WhenAll(tasks);
            }
        }
        """, """
        class Crawler
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                var maxConcurrency = 16;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var url in urls)
                {
                    await throttle.WaitAsync(cancellationToken);
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            return await _http.GetStringAsync(url, cancellationToken);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                return await Task.WhenAll(tasks);
            }
        }
        """);

    [Fact]
    public Task WaitUsesTheTokenOfAFieldWhenNoParameterHasOne() => Fix("""
        class Poller
        {
            private readonly CancellationTokenSource _shutdown = new CancellationTokenSource();
            private void Poll(string feed) { }

            public async Task PollAllAsync(IEnumerable<string> feeds)
            {
                var polls = new List<Task>();
                foreach (var feed in feeds)
                {
                    polls.Add({|BND1001:Task.Run|}(() => Poll(feed)));
                }

                await Task.WhenAll(polls);
            }
        }
        """, """
        class Poller
        {
            private readonly CancellationTokenSource _shutdown = new CancellationTokenSource();
            private void Poll(string feed) { }

            public async Task PollAllAsync(IEnumerable<string> feeds)
            {
                var polls = new List<Task>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var feed in feeds)
                {
                    await throttle.WaitAsync(_shutdown.Token);
                    polls.Add(Task.Run(() =>
                    {
                        try
                        {
                            Poll(feed);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                await Task.WhenAll(polls);
            }
        }
        """);

    /// <summary>Asynchronous (I/O-bound) work: bounded.max_io_concurrency, else bounded.max_concurrency, else 16; never the core count.</summary>
    [Theory]
    [InlineData(null, "16")]
    [InlineData("bounded.max_concurrency = 8", "8")]
    [InlineData("bounded.max_concurrency = 8\nbounded.max_io_concurrency = 64", "64")]
    [InlineData("bounded.bnd1001.max_io_concurrency = 32", "32")]
    public Task IoBoundWorkGetsTheIoLimit(string? editorConfig, string limit) => Fix("""
        class Crawler
        {
            private readonly HttpClient _http = new();

            public async Task<string[]> CrawlAsync(IEnumerable<string> urls)
            {
                var pages = new List<Task<string>>();
                foreach (var url in urls)
                {
                    pages.Add({|BND1001:Task.Run|}(() => _http.GetStringAsync(url)));
                }

                return await Task.WhenAll(pages);
            }
        }
        """, $$"""
        class Crawler
        {
            private readonly HttpClient _http = new();

            public async Task<string[]> CrawlAsync(IEnumerable<string> urls)
            {
                var pages = new List<Task<string>>();
                var maxConcurrency = {{limit}};
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var url in urls)
                {
                    await throttle.WaitAsync();
                    pages.Add(Task.Run(async () =>
                    {
                        try
                        {
                            return await _http.GetStringAsync(url);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                return await Task.WhenAll(pages);
            }
        }
        """, editorConfig);

    /// <summary>Synchronous work keeps the processor count when only the I/O limit is set.</summary>
    [Fact]
    public Task CpuBoundWorkIgnoresTheIoLimit() => Fix("""
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                var pending = new List<Task>();
                foreach (var path in paths)
                {
                    pending.Add({|BND1001:Task.Run|}(() => Index(path)));
                }

                await Task.WhenAll(pending);
            }
        }
        """, """
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                var pending = new List<Task>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var path in paths)
                {
                    await throttle.WaitAsync();
                    pending.Add(Task.Run(() =>
                    {
                        try
                        {
                            Index(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                await Task.WhenAll(pending);
            }
        }
        """, "bounded.max_io_concurrency = 64");

    [Fact]
    public Task LimitComesFromEditorConfig() => Fix("""
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                var pending = new List<Task>();
                foreach (var path in paths)
                {
                    pending.Add({|BND1001:Task.Run|}(() => Index(path)));
                }

                await Task.WhenAll(pending);
            }
        }
        """, """
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                var pending = new List<Task>();
                var maxConcurrency = 8;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var path in paths)
                {
                    await throttle.WaitAsync();
                    pending.Add(Task.Run(() =>
                    {
                        try
                        {
                            Index(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                await Task.WhenAll(pending);
            }
        }
        """, editorConfig: "bounded.max_concurrency = 8");

    [Fact]
    public Task PerRuleLimitWinsOverSharedLimit() => Fix("""
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    _ = {|BND1001:Task.Run|}(() => Index(path));
                }
            }
        }
        """, """
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                var maxConcurrency = 3;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var path in paths)
                {
                    await throttle.WaitAsync();
                    _ = Task.Run(() =>
                    {
                        try
                        {
                            Index(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    });
                }
            }
        }
        """, editorConfig: "bounded.max_concurrency = 8\nbounded.bnd1001.max_concurrency = 3");

    [Fact]
    public Task InvalidLimitFallsBackToProcessorCount() => Fix("""
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(string[] paths)
            {
                var pending = new List<Task>();
                for (var i = 0; i < paths.Length; i++)
                {
                    var path = paths[i];
                    pending.Add({|BND1001:Task.Run|}(() => Index(path)));
                }

                Task.WaitAll(pending.ToArray());
            }
        }
        """, """
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(string[] paths)
            {
                var pending = new List<Task>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                for (var i = 0; i < paths.Length; i++)
                {
                    var path = paths[i];
                    await throttle.WaitAsync();
                    pending.Add(Task.Run(() =>
                    {
                        try
                        {
                            Index(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                Task.WaitAll(pending.ToArray());
            }
        }
        """, editorConfig: "bounded.max_concurrency = lots");

    [Fact]
    public Task SyncMethodWaitsInsideTheTask() => Fix("""
        class Indexer
        {
            private int Index(string path) => path.Length;

            public Task<int[]> IndexAll(IEnumerable<string> paths)
            {
                var pending = new List<Task<int>>();
                foreach (var path in paths)
                {
                    pending.Add({|BND1001:Task.Run|}(() => Index(path)));
                }

                return Task.WhenAll(pending);
            }
        }
        """, """
        class Indexer
        {
            private int Index(string path) => path.Length;

            public Task<int[]> IndexAll(IEnumerable<string> paths)
            {
                var pending = new List<Task<int>>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var path in paths)
                {
                    pending.Add(Task.Run(async () =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return Index(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                return Task.WhenAll(pending);
            }
        }
        """);

    [Fact]
    public Task SelectOfTaskRunWaitsInsideEachTask() => Fix("""
        class Scorer
        {
            private static int Score(string line) => line.Length;

            public async Task<int> TotalAsync(IEnumerable<string> lines, CancellationToken cancellationToken)
            {
                var scores = await Task.WhenAll(lines.Select(line => {|BND1001:Task.Run|}(() => Score(line))));
                return scores.Sum();
            }
        }
        """, """
        class Scorer
        {
            private static int Score(string line) => line.Length;

            public async Task<int> TotalAsync(IEnumerable<string> lines, CancellationToken cancellationToken)
            {
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                var scores = await Task.WhenAll(lines.Select(line => Task.Run(async () =>
                {
                    await throttle.WaitAsync(cancellationToken);
                    try
                    {
                        return Score(line);
                    }
                    finally
                    {
                        throttle.Release();
                    }
                })));
                return scores.Sum();
            }
        }
        """);

    [Fact]
    public Task BlockLambdaKeepsItsStatementsAndComments() => Fix("""
        class Importer
        {
            private Task SaveAsync(string line) => Task.CompletedTask;

            public async Task ImportAsync(TextReader reader)
            {
                string? line;
                var saves = new List<Task>();
                while ((line = await reader.ReadLineAsync()) != null)
                {
                    var captured = line;
                    saves.Add({|BND1001:Task.Run|}(async () =>
                    {
                        // normalise first
                        var normalised = captured.Trim();
                        await SaveAsync(normalised);
                    }));
                }

                await Task.WhenAll(saves);
            }
        }
        """, """
        class Importer
        {
            private Task SaveAsync(string line) => Task.CompletedTask;

            public async Task ImportAsync(TextReader reader)
            {
                string? line;
                var saves = new List<Task>();
                var maxConcurrency = 16;
                var throttle = new SemaphoreSlim(maxConcurrency);
                while ((line = await reader.ReadLineAsync()) != null)
                {
                    var captured = line;
                    await throttle.WaitAsync();
                    saves.Add(Task.Run(async () =>
                    {
                        try
                        {
                            // normalise first
                            var normalised = captured.Trim();
                            await SaveAsync(normalised);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                await Task.WhenAll(saves);
            }
        }
        """);

    [Fact]
    public Task QueueUserWorkItemInAsyncLoop() => Fix("""
        class Dispatcher
        {
            private void Handle(string id) { }

            public async Task DispatchAsync(IAsyncEnumerable<string> ids, CancellationToken cancellationToken)
            {
                await foreach (var id in ids)
                {
                    {|BND1001:ThreadPool.QueueUserWorkItem|}(_ => Handle(id));
                }
            }
        }
        """, """
        class Dispatcher
        {
            private void Handle(string id) { }

            public async Task DispatchAsync(IAsyncEnumerable<string> ids, CancellationToken cancellationToken)
            {
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                await foreach (var id in ids)
                {
                    await throttle.WaitAsync(cancellationToken);
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        try
                        {
                            Handle(id);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    });
                }
            }
        }
        """);

    [Fact]
    public Task TwoLoopsInOneMethodGetDistinctNames() => Fix("""
        class Mirror
        {
            private void Copy(string path) { }

            public async Task MirrorAsync(IEnumerable<string> images, IEnumerable<string> videos)
            {
                var copies = new List<Task>();
                foreach (var image in images)
                {
                    copies.Add({|BND1001:Task.Run|}(() => Copy(image)));
                }

                foreach (var video in videos)
                {
                    copies.Add({|BND1001:Task.Run|}(() => Copy(video)));
                }

                await Task.WhenAll(copies);
            }
        }
        """, """
        class Mirror
        {
            private void Copy(string path) { }

            public async Task MirrorAsync(IEnumerable<string> images, IEnumerable<string> videos)
            {
                var copies = new List<Task>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var image in images)
                {
                    await throttle.WaitAsync();
                    copies.Add(Task.Run(() =>
                    {
                        try
                        {
                            Copy(image);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                var maxConcurrency2 = Environment.ProcessorCount;
                var throttle2 = new SemaphoreSlim(maxConcurrency2);
                foreach (var video in videos)
                {
                    await throttle2.WaitAsync();
                    copies.Add(Task.Run(() =>
                    {
                        try
                        {
                            Copy(video);
                        }
                        finally
                        {
                            throttle2.Release();
                        }
                    }));
                }

                await Task.WhenAll(copies);
            }
        }
        """);

    [Fact]
    public Task CSharp7KeepsAPlainDeclaration() => Fix("""
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                var pending = new List<Task>();
                foreach (var path in paths)
                {
                    pending.Add({|BND1001:Task.Run|}(() => Index(path)));
                }

                await Task.WhenAll(pending);
            }
        }
        """, """
        class Indexer
        {
            private void Index(string path) { }

            public async Task IndexAllAsync(IEnumerable<string> paths)
            {
                var pending = new List<Task>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var path in paths)
                {
                    await throttle.WaitAsync();
                    pending.Add(Task.Run(() =>
                    {
                        try
                        {
                            Index(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                await Task.WhenAll(pending);
            }
        }
        """.Replace("string? ", "string "), languageVersion: LanguageVersion.CSharp7_3);

    [Fact]
    public async Task FixAllCoversEveryDocumentOfTheProject()
    {
        static string Source(string name, bool fixedForm) => Usings + (fixedForm ? $$"""
            class {{name}}
            {
                private void Index(string path) { }

                public async Task RunAsync(IEnumerable<string> paths)
                {
                    var pending = new List<Task>();
                    var maxConcurrency = Environment.ProcessorCount;
                    var throttle = new SemaphoreSlim(maxConcurrency);
                    foreach (var path in paths)
                    {
                        await throttle.WaitAsync();
                        pending.Add(Task.Run(() =>
                        {
                            try
                            {
                                Index(path);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }));
                    }

                    await Task.WhenAll(pending);
                }
            }
            """ : $$"""
            class {{name}}
            {
                private void Index(string path) { }

                public async Task RunAsync(IEnumerable<string> paths)
                {
                    var pending = new List<Task>();
                    foreach (var path in paths)
                    {
                        pending.Add({|BND1001:Task.Run|}(() => Index(path)));
                    }

                    await Task.WhenAll(pending);
                }
            }
            """);

        var test = new FixTest<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>
        {
            CodeActionEquivalenceKey = Key,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipFixAllInDocumentCheck,
        };
        test.TestState.Sources.Add(("/0/First.cs", Source("First", fixedForm: false)));
        test.TestState.Sources.Add(("/0/Second.cs", Source("Second", fixedForm: false)));
        test.FixedState.Sources.Add(("/0/First.cs", Source("First", fixedForm: true)));
        test.FixedState.Sources.Add(("/0/Second.cs", Source("Second", fixedForm: true)));
        await test.RunAsync();
    }

    [Fact]
    public Task NoFixForMethodGroupWork() => Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Batches
        {
            private void ProcessAll() { }

            public async Task RunAsync(int batchCount)
            {
                for (var i = 0; i < batchCount; i++)
                {
                    _ = {|BND1001:Task.Run|}(ProcessAll);
                }
            }
        }
        """);

    // The task is created in one statement and started in another: the fixes rewrite a single spawn expression.
    [Fact]
    public Task NoFixForATaskStartedAfterItsCreation() => Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Batches
        {
            private int Index(string path) => path.Length;

            public async Task<int[]> RunAsync(IEnumerable<string> paths)
            {
                var pending = new List<Task<int>>();
                foreach (var path in paths)
                {
                    var task = new Task<int>(() => Index(path));
                    task.{|BND1001:Start|}();
                    pending.Add(task);
                }

                return await Task.WhenAll(pending);
            }
        }
        """);

    /// <summary>
    /// StartNew in a sync method: the lambda waits inside the task like Task.Run's, and <c>Unwrap()</c> keeps the
    /// <c>Task&lt;int&gt;</c> the caller collects (same scheduler, result and exception).
    /// </summary>
    [Fact]
    public Task StartNewInSyncMethodWaitsInsideAndUnwraps() => Fix("""
        class Indexer
        {
            private int Index(string path) => path.Length;

            public Task<int[]> IndexAll(IReadOnlyList<string> paths)
            {
                var pending = new List<Task<int>>();
                for (var i = 0; i < paths.Count; i++)
                {
                    var path = paths[i];
                    pending.Add({|BND1001:Task.Factory.StartNew|}(() => Index(path)));
                }

                return Task.WhenAll(pending);
            }
        }
        """, """
        class Indexer
        {
            private int Index(string path) => path.Length;

            public Task<int[]> IndexAll(IReadOnlyList<string> paths)
            {
                var pending = new List<Task<int>>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                for (var i = 0; i < paths.Count; i++)
                {
                    var path = paths[i];
                    pending.Add(Task.Factory.StartNew(async () =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return Index(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }).Unwrap());
                }

                return Task.WhenAll(pending);
            }
        }
        """);

    /// <summary>Discarded asynchronous work: the slot is now held until the work's own task ends.</summary>
    [Fact]
    public Task StartNewOfDiscardedAsyncWorkHoldsTheSlotUntilTheWorkEnds() => Fix("""
        class Replayer
        {
            private Task HandleAsync(string message) => Task.Delay(1);

            public void ReplayAll(IEnumerable<string> messages)
            {
                foreach (var message in messages)
                {
                    {|BND1001:Task.Factory.StartNew|}(() => HandleAsync(message));
                }
            }
        }
        """, """
        class Replayer
        {
            private Task HandleAsync(string message) => Task.Delay(1);

            public void ReplayAll(IEnumerable<string> messages)
            {
                var maxConcurrency = 16;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var message in messages)
                {
                    Task.Factory.StartNew(async () =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            await HandleAsync(message);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }).Unwrap();
                }
            }
        }
        """);

    /// <summary>
    /// A collected <c>Task&lt;Task&gt;</c> completed when the work started; unwrapped it would complete when the work
    /// ends, which changes what the caller waits for. Options, a scheduler or a token argument: not the plain overload.
    /// QueueUserWorkItem's callback cannot await.
    /// </summary>
    [Theory]
    [InlineData("pending.Add({|BND1001:Task.Factory.StartNew|}(() => HandleAsync(message)));")]
    [InlineData("pending.Add({|BND1001:Task.Factory.StartNew|}(() => Handle(message), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default));")]
    [InlineData("pending.Add({|BND1001:Task.Factory.StartNew|}(() => Handle(message), TaskCreationOptions.PreferFairness));")]
    [InlineData("{|BND1001:ThreadPool.QueueUserWorkItem|}(_ => Handle(message));")]
    public Task NoFixForOtherPoolWorkInSyncMethod(string start) => Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Replayer
        {
            private void Handle(string message) { }
            private Task HandleAsync(string message) => Task.Delay(1);

            public List<Task> ReplayAll(IEnumerable<string> messages)
            {
                var pending = new List<Task>();
                foreach (var message in messages)
                {
                    START
                }

                return pending;
            }
        }
        """.Replace("START", start));

    /// <summary>A static lambda cannot capture a throttle; the default fix at this site is the channel worker pool.</summary>
    [Fact]
    public Task StaticLambdaGetsTheChannelPoolNotTheThrottle() => Verify.FixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Batches
        {
            private static void Index(string path) { }

            public async Task RunAsync(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    _ = {|BND1001:Task.Run|}(static () => Index("x"));
                }
            }
        }
        """, Usings.Replace("using System.Threading;\n", "using System.Threading;\nusing System.Threading.Channels;\n") + """
        class Batches
        {
            private static void Index(string path) { }

            public async Task RunAsync(IEnumerable<string> paths)
            {
                var maxConcurrency = Environment.ProcessorCount;
                var queue = Channel.CreateBounded<string>(new BoundedChannelOptions(maxConcurrency) { FullMode = BoundedChannelFullMode.Wait });
                var workers = new Task[maxConcurrency];
                for (var i = 0; i < maxConcurrency; i++)
                {
                    workers[i] = Task.Run(async () =>
                    {
                        try
                        {
                            await foreach (var path in queue.Reader.ReadAllAsync())
                            {
                                Index("x");
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
                    foreach (var path in paths)
                    {
                        await queue.Writer.WriteAsync(path);
                    }
                }
                finally
                {
                    queue.Writer.TryComplete();
                    await Task.WhenAll(workers);
                }
            }
        }
        """, Key);

    /// <summary>Inside a lock the loop cannot await; the task waits for its slot itself, so the lock is never held while waiting.</summary>
    [Fact]
    public Task SpawnInsideLockWaitsInsideTheTask() => Fix("""
        class Batches
        {
            private readonly object _sync = new object();
            private void Index(string path) { }

            public async Task RunAsync(IEnumerable<string> paths)
            {
                await Task.Yield();
                lock (_sync)
                {
                    foreach (var path in paths)
                    {
                        _ = {|BND1001:Task.Factory.StartNew|}(() => Index(path));
                    }
                }
            }
        }
        """, """
        class Batches
        {
            private readonly object _sync = new object();
            private void Index(string path) { }

            public async Task RunAsync(IEnumerable<string> paths)
            {
                await Task.Yield();
                lock (_sync)
                {
                    var maxConcurrency = Environment.ProcessorCount;
                    var throttle = new SemaphoreSlim(maxConcurrency);
                    foreach (var path in paths)
                    {
                        _ = Task.Factory.StartNew(async () =>
                        {
                            await throttle.WaitAsync();
                            try
                            {
                                Index(path);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }).Unwrap();
                    }
                }
            }
        }
        """);
}
