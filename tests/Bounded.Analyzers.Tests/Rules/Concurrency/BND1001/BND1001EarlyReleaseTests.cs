using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.ConcurrencyVerify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// A gate that limits starting, not running: the loop waits for a slot, starts the work and gives the slot back
/// right away (in a finally around the start, or the next statement), so the semaphore bounds nothing. Releases in
/// the work, in a continuation, in a catch (the start failed), or after the work is awaited are real gates.
/// </summary>
public class BND1001EarlyReleaseTests
{
    private static DiagnosticResult Early(int marker, string gate, string api = "Task.Run", string where = Loop) =>
        new DiagnosticResult(RuleIds.UnboundedTaskSpawn, DiagnosticSeverity.Info).WithLocation(marker)
            .WithArguments(api, where, "'" + gate + ".Release()' runs as soon as the work is started, so the gate limits starting, not running; release the slot when the work ends")
            .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations);

    private static Task Fix(string source, string fixedSource) =>
        Verify.FixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(ConcurrencySources.Wrap(source), ConcurrencySources.Wrap(fixedSource), UnboundedTaskSpawnCodeFixProvider.SemaphoreKey);

    private static Task NoFix(string source) =>
        Verify.NoFixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(ConcurrencySources.Wrap(source));

    [Fact]
    public Task ReleasedInTheFinallyAroundTheStart() => Reports("""
            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        tasks.Add({|#0:Task.Run|}(() => _http.GetStringAsync(url, cancellationToken)));
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                return await Task.WhenAll(tasks);
            }
        """, Early(0, "_gate"));

    [Fact]
    public Task ReleasedByTheNextStatement() => Reports("""
            public async Task PublishAsync(IAsyncEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                await foreach (var message in messages.WithCancellation(cancellationToken))
                {
                    await _gate.WaitAsync(cancellationToken);
                    _ = {|#0:Task.Run|}(() => _handler.HandleAsync(message, cancellationToken));
                    _gate.Release();
                }
            }
        """, Early(0, "_gate"));

    [Fact]
    public Task LocalGateAroundAWorkItem() => Reports("""
            public void IndexAll(IEnumerable<string> paths)
            {
                var gate = new SemaphoreSlim(Environment.ProcessorCount);
                foreach (var path in paths)
                {
                    gate.Wait();
                    try
                    {
                        {|#0:ThreadPool.QueueUserWorkItem|}(_ => Index(path));
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
        """, Early(0, "gate", "ThreadPool.QueueUserWorkItem"));

    [Fact]
    public Task StartNewBetweenWaitAndRelease() => Reports("""
            public async Task ScoreAllAsync(IReadOnlyList<Order> orders)
            {
                foreach (var order in orders)
                {
                    await _gate.WaitAsync();
                    try
                    {
                        _ = {|#0:Task.Factory.StartNew|}(() => _results.Add(Score(order).ToString()));
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
        """, Early(0, "_gate", "Task.Factory.StartNew"));

    [Fact]
    public Task PerElementLambdaReleasesAfterStarting() => Reports("""
            public Task<int[]> ProcessAllAsync(IEnumerable<Order> orders)
            {
                return Task.WhenAll(orders.Select(order =>
                {
                    _gate.Wait();
                    try
                    {
                        return {|#0:Task.Run|}(() => ProcessAsync(order));
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }));
            }
        """, Early(0, "_gate", "Task.Run", "element passed to 'Select'"));

    [Fact]
    public Task ChannelConsumerReleasesAfterStarting() => Reports("""
            public async Task ConsumeAsync(ChannelReader<Message> reader, CancellationToken cancellationToken)
            {
                var gate = new SemaphoreSlim(8);
                while (await reader.WaitToReadAsync(cancellationToken))
                {
                    var message = await reader.ReadAsync(cancellationToken);
                    await gate.WaitAsync(cancellationToken);
                    try
                    {
                        _ = {|#0:Task.Run|}(async () => await _handler.HandleAsync(message, cancellationToken));
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
        """, Early(0, "gate"));

    [Fact]
    public Task ReleasedInsideTheWorkIsAGate() => Clean("""
            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    await _gate.WaitAsync(cancellationToken);
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            return await _http.GetStringAsync(url, cancellationToken);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }));
                }

                return await Task.WhenAll(tasks);
            }
        """);

    [Fact]
    public Task ReleasedByAContinuationIsAGate() => Clean("""
            public async Task PublishAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
                {
                    await _gate.WaitAsync(cancellationToken);
                    _ = Task.Run(() => _handler.HandleAsync(message, cancellationToken)).ContinueWith(_ => _gate.Release(), TaskScheduler.Default);
                }
            }
        """);

    /// <summary>A release in a catch runs only when starting failed; on success the work keeps the slot.</summary>
    [Fact]
    public Task ReleasedInACatchWhenTheStartFailsIsAGate() => Clean("""
            public async Task PublishAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
                {
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        _ = Task.Run(async () =>
                        {
                            try
                            {
                                await _handler.HandleAsync(message, cancellationToken);
                            }
                            finally
                            {
                                _gate.Release();
                            }
                        });
                    }
                    catch
                    {
                        _gate.Release();
                        throw;
                    }
                }
            }
        """);

    [Fact]
    public Task ReleasedAfterAwaitingTheWorkIsAGate() => Clean("""
            public async Task SaveAllAsync(IEnumerable<Order> orders, CancellationToken cancellationToken)
            {
                foreach (var order in orders)
                {
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        await Task.Run(() => SaveAsync(order, cancellationToken));
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
        """);

    /// <summary>Another semaphore released after the start says nothing about the gate the work releases.</summary>
    [Fact]
    public Task AnotherSemaphoreReleasedAfterTheStartIsNotTheGate() => Clean("""
            private readonly SemaphoreSlim _progress = new SemaphoreSlim(0);

            public async Task PublishAsync(IEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
                {
                    await _gate.WaitAsync(cancellationToken);
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await _handler.HandleAsync(message, cancellationToken);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    });
                    _progress.Release();
                }
            }
        """);

    /// <summary>A wait after the start does not gate this item's work; the release in the work does.</summary>
    [Fact]
    public Task ReleaseBeforeTheWaitOfTheNextItemIsNotEarly() => Clean("""
            public void IndexAll(IEnumerable<string> paths)
            {
                foreach (var path in paths)
                {
                    _gate.Release();
                    _ = Task.Run(() =>
                    {
                        try
                        {
                            Index(path);
                        }
                        finally
                        {
                            _gate.Wait();
                        }
                    });
                }
            }
        """);

    [Fact]
    public Task FixMovesTheReleaseIntoTheWork() => Fix("""
            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        tasks.Add({|BND1001:Task.Run|}(() => _http.GetStringAsync(url, cancellationToken)));
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                return await Task.WhenAll(tasks);
            }

            public async Task PublishAsync(IAsyncEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                await foreach (var message in messages.WithCancellation(cancellationToken))
                {
                    await _gate.WaitAsync(cancellationToken);
                    _ = {|BND1001:Task.Run|}(() =>
                    {
                        _results.Add(message.Id);
                    });
                    _gate.Release();
                }
            }
        """, """
            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    await _gate.WaitAsync(cancellationToken);
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            return await _http.GetStringAsync(url, cancellationToken);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }));
                }

                return await Task.WhenAll(tasks);
            }

            public async Task PublishAsync(IAsyncEnumerable<Message> messages, CancellationToken cancellationToken)
            {
                await foreach (var message in messages.WithCancellation(cancellationToken))
                {
                    await _gate.WaitAsync(cancellationToken);
                    _ = Task.Run(() =>
                    {
                        try
                        {
                            _results.Add(message.Id);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    });
                }
            }
        """);

    /// <summary>Something else in the try could throw after the slot is taken and before the work owns it.</summary>
    [Fact]
    public Task NoFixWhenTheTryHoldsMoreThanTheStart() => NoFix("""
            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        var uri = new Uri(url);
                        tasks.Add({|BND1001:Task.Run|}(() => _http.GetStringAsync(uri, cancellationToken)));
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                return await Task.WhenAll(tasks);
            }
        """);
}
