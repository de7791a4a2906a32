using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>Exact output of the SemaphoreSlim fix for BND1002 (async fan-out).</summary>
public class BND1002FixTests
{
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
                var maxConcurrency = 16;
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
                var maxConcurrency = 16;
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
                var maxConcurrency = 16;
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

    /// <summary>An expression-bodied member becomes a block body that holds the limit and the semaphore and returns the expression.</summary>
    [Fact]
    public Task ExpressionBodiedMemberGetsABlockBody() => FixFanOut("""
        class Client
        {
            private readonly HttpClient _http = new HttpClient();

            public Task<string[]> FetchAllAsync(IEnumerable<string> urls) =>
                Task.WhenAll(urls.{|BND1002:Select|}(url => _http.GetStringAsync(url)));
        }
        """, """
        class Client
        {
            private readonly HttpClient _http = new HttpClient();

            public Task<string[]> FetchAllAsync(IEnumerable<string> urls)
            {
                var maxConcurrency = 16;
                var throttle = new SemaphoreSlim(maxConcurrency);
                return Task.WhenAll(urls.Select(async url =>
                {
                    await throttle.WaitAsync();
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
        }
        """);

    /// <summary>An async expression-bodied member that returns no value: the expression becomes a statement, not a return.</summary>
    [Fact]
    public Task AsyncExpressionBodiedMemberGetsAStatement() => FixFanOut("""
        class Client
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task FetchAllAsync(IEnumerable<string> urls) =>
                await Task.WhenAll(urls.{|BND1002:Select|}(url => _http.GetStringAsync(url)));
        }
        """, """
        class Client
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task FetchAllAsync(IEnumerable<string> urls)
            {
                var maxConcurrency = 16;
                var throttle = new SemaphoreSlim(maxConcurrency);
                await Task.WhenAll(urls.Select(async url =>
                {
                    await throttle.WaitAsync();
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
}
