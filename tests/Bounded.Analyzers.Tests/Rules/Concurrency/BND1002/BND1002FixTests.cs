using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;

namespace Bounded.Analyzers.Tests.Concurrency;

/// <summary>Exact output of the SemaphoreSlim fixes for BND1002 (async fan-out) and BND1003 (thread per item).</summary>
public class BND1002And1003FixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private static Task FixFanOut(string source, string fixedSource, string? editorConfig = null) =>
        Verify.FixAsync<UnboundedFanOutAnalyzer, UnboundedFanOutCodeFixProvider>(Usings + source, Usings + fixedSource, UnboundedFanOutCodeFixProvider.SemaphoreKey, editorConfig);

    private static Task FixThreads(string source, string fixedSource) =>
        Verify.FixAsync<ThreadPerItemAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + source, Usings + fixedSource, UnboundedTaskSpawnCodeFixProvider.ThreadSemaphoreKey);

    [Fact]
    public Task SelectLambdaWaitsInsideAndKeepsResultOrder() => FixFanOut("""
        class Client
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task<string[]> FetchAllAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var pages = await Task.WhenAll(urls.{|BND1002:Select|}(url => _http.GetStringAsync(url, cancellationToken)));
                return pages;
            }
        }
        """, """
        class Client
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task<string[]> FetchAllAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                var pages = await Task.WhenAll(urls.Select(async url =>
                {
                    await throttle.WaitAsync(cancellationToken);
                    try
                    {
                        return await _http.GetStringAsync(url, cancellationToken);
                    }
                    finally
                    {
                        throttle.Release();
                    }
                }));
                return pages;
            }
        }
        """);

    [Fact]
    public Task AsyncSelectLambdaGetsTheGate() => FixFanOut("""
        class Store
        {
            private Task SaveAsync(int id) => Task.CompletedTask;

            public async Task SaveAllAsync(IEnumerable<int> ids)
            {
                await Task.WhenAll(ids.{|BND1002:Select|}(async id =>
                {
                    await SaveAsync(id);
                    Console.WriteLine(id);
                }));
            }
        }
        """, """
        class Store
        {
            private Task SaveAsync(int id) => Task.CompletedTask;

            public async Task SaveAllAsync(IEnumerable<int> ids)
            {
                var maxConcurrency = 4;
                var throttle = new SemaphoreSlim(maxConcurrency);
                await Task.WhenAll(ids.Select(async id =>
                {
                    await throttle.WaitAsync();
                    try
                    {
                        await SaveAsync(id);
                        Console.WriteLine(id);
                    }
                    finally
                    {
                        throttle.Release();
                    }
                }));
            }
        }
        """, editorConfig: "bounded.bnd1002.max_concurrency = 4");

    [Fact]
    public Task MethodGroupBecomesAThrottledLambda() => FixFanOut("""
        class Store
        {
            private Task<int> LoadAsync(int id) => Task.FromResult(id);

            public async Task<int> TotalAsync(IReadOnlyList<int> ids)
            {
                var values = await Task.WhenAll(ids.{|BND1002:Select|}(LoadAsync));
                return values.Sum();
            }
        }
        """, """
        class Store
        {
            private Task<int> LoadAsync(int id) => Task.FromResult(id);

            public async Task<int> TotalAsync(IReadOnlyList<int> ids)
            {
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                var values = await Task.WhenAll(ids.Select(async item =>
                {
                    await throttle.WaitAsync();
                    try
                    {
                        return await LoadAsync(item);
                    }
                    finally
                    {
                        throttle.Release();
                    }
                }));
                return values.Sum();
            }
        }
        """);

    [Fact]
    public Task LoopOfCollectedCallsWaitsBeforeEachCall() => FixFanOut("""
        class Store
        {
            private Task SaveAsync(int id, CancellationToken cancellationToken) => Task.CompletedTask;

            public async Task SaveAllAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
            {
                var saves = new List<Task>();
                foreach (var id in ids)
                {
                    saves.Add({|BND1002:SaveAsync|}(id, cancellationToken));
                }

                await Task.WhenAll(saves);
            }
        }
        """, """
        class Store
        {
            private Task SaveAsync(int id, CancellationToken cancellationToken) => Task.CompletedTask;

            public async Task SaveAllAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
            {
                var saves = new List<Task>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);

                async Task ReleaseWhenDoneAsync(Task task)
                {
                    try
                    {
                        await task;
                    }
                    finally
                    {
                        throttle.Release();
                    }
                }

                foreach (var id in ids)
                {
                    await throttle.WaitAsync(cancellationToken);
                    saves.Add(ReleaseWhenDoneAsync(SaveAsync(id, cancellationToken)));
                }

                await Task.WhenAll(saves);
            }
        }
        """);

    [Fact]
    public Task NoFixForExpressionBodiedMember() => Verify.NoFixAsync<UnboundedFanOutAnalyzer, UnboundedFanOutCodeFixProvider>(Usings + """
        class Client
        {
            private readonly HttpClient _http = new HttpClient();

            public Task<string[]> FetchAllAsync(IEnumerable<string> urls) =>
                Task.WhenAll(urls.{|BND1002:Select|}(url => _http.GetStringAsync(url)));
        }
        """);

    [Fact]
    public Task NoFixWhenLoopCatchesSynchronousFailures() => Verify.NoFixAsync<UnboundedFanOutAnalyzer, UnboundedFanOutCodeFixProvider>(Usings + """
        class Store
        {
            private Task SaveAsync(int id) => Task.CompletedTask;

            public async Task SaveAllAsync(IEnumerable<int> ids)
            {
                var saves = new List<Task>();
                foreach (var id in ids)
                {
                    try
                    {
                        saves.Add({|BND1002:SaveAsync|}(id));
                    }
                    catch (ArgumentException)
                    {
                    }
                }

                await Task.WhenAll(saves);
            }
        }
        """);

    [Fact]
    public Task ThreadPerItemInAsyncLoopWaitsForASlot() => FixThreads("""
        class Converter
        {
            private void Convert(string path) { }

            public async Task ConvertAllAsync(IAsyncEnumerable<string> paths, CancellationToken cancellationToken)
            {
                await foreach (var path in paths)
                {
                    var thread = {|BND1003:new Thread|}(() => Convert(path));
                    thread.Start();
                }
            }
        }
        """, """
        class Converter
        {
            private void Convert(string path) { }

            public async Task ConvertAllAsync(IAsyncEnumerable<string> paths, CancellationToken cancellationToken)
            {
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                await foreach (var path in paths)
                {
                    await throttle.WaitAsync(cancellationToken);
                    var thread = new Thread(() =>
                    {
                        try
                        {
                            Convert(path);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    });
                    thread.Start();
                }
            }
        }
        """);

    [Fact]
    public Task LongRunningTaskPerQueueWaitsForASlot() => FixThreads("""
        class Listener
        {
            private void Pump(string queue) { }

            public async Task ListenAsync(IEnumerable<string> queues)
            {
                var pumps = new List<Task>();
                foreach (var queue in queues)
                {
                    pumps.Add({|BND1003:Task.Factory.StartNew|}(() => Pump(queue), TaskCreationOptions.LongRunning));
                }

                await Task.WhenAll(pumps);
            }
        }
        """, """
        class Listener
        {
            private void Pump(string queue) { }

            public async Task ListenAsync(IEnumerable<string> queues)
            {
                var pumps = new List<Task>();
                var maxConcurrency = Environment.ProcessorCount;
                var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var queue in queues)
                {
                    await throttle.WaitAsync();
                    pumps.Add(Task.Factory.StartNew(() =>
                    {
                        try
                        {
                            Pump(queue);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }, TaskCreationOptions.LongRunning));
                }

                await Task.WhenAll(pumps);
            }
        }
        """);

    [Fact]
    public Task NoFixForThreadsInSyncMethod() => Verify.NoFixAsync<ThreadPerItemAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + """
        class Converter
        {
            private void Convert(string path) { }

            public void ConvertAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    {|BND1003:new Thread|}(() => Convert(path)).Start();
                }
            }
        }
        """);
}
