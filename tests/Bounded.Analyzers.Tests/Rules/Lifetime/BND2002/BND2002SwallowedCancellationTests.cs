using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Bounded.CodeFixes.Lifetime;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Lifetime.BND2002Verify;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>
/// A token read only inside a try whose catch swallows the cancellation does not stop the loop: the
/// OperationCanceledException it throws is logged and the loop goes round again, so shutdown never ends it.
/// </summary>
public class BND2002SwallowedCancellationTests
{
    private const string Observe = "observe 'stoppingToken'";

    [Fact]
    public Task CatchExceptionSwallowsTheCancellationOfTheWork() => Reports("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;
            private readonly ILogger _logger = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    try
                    {
                        var message = await _queue.ReceiveAsync(stoppingToken);
                        if (message is not null) await _queue.CompleteAsync(message, stoppingToken);
                    }
                    catch (Exception exception)
                    {
                        _logger.Log("poll failed: " + exception.Message);
                    }

                    await Task.Delay(5000);
                }
            }
        }
        """, Diagnostic("while", Observe));

    [Fact]
    public Task BareCatchSwallowsThrowIfCancellationRequested() => Reports("""
        public class Sweeper : BackgroundService
        {
            private readonly IOrderStore _store = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    try
                    {
                        stoppingToken.ThrowIfCancellationRequested();
                        await _store.FindAsync(0);
                    }
                    catch
                    {
                    }

                    await Task.Delay(1000);
                }
            }
        }
        """, Diagnostic("while", Observe));

    [Fact]
    public Task CatchOperationCanceledThatOnlyLogs() => Reports("""
        public class Refresher : BackgroundService
        {
            private readonly HttpClient _http = new();
            private readonly ILogger _logger = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    try
                    {
                        await _http.GetStringAsync("https://example.org/refresh", stoppingToken);
                        await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        _logger.Log("refresh cancelled");
                    }
                }
            }
        }
        """, Diagnostic("while", Observe));

    [Fact]
    public Task ForeverLoopInTaskRunSwallowsThroughANestedTry() => Reports("""
        public class Pump
        {
            private readonly IQueueClient _queue = null!;
            private readonly CancellationTokenSource _shutdown = new();

            public void Start()
            {
                _ = Task.Run(async () =>
                {
                    {|#0:for|} (;;)
                    {
                        try
                        {
                            try
                            {
                                await _queue.ReceiveAsync(_shutdown.Token);
                            }
                            finally
                            {
                                await Task.Delay(10);
                            }
                        }
                        catch (Exception)
                        {
                            await Task.Delay(100);
                        }
                    }
                }, _shutdown.Token);
            }
        }
        """, Diagnostic("for", "observe '_shutdown.Token'"));

    [Fact]
    public Task CatchTaskCanceledAroundTheDelay() => Reports("""
        public class Ticker : BackgroundService
        {
            private readonly IOrderStore _store = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    await _store.FindAsync(1);
                    try
                    {
                        await Task.Delay(1000, stoppingToken);
                    }
                    catch (TaskCanceledException)
                    {
                    }
                }
            }
        }
        """, Diagnostic("while", Observe));

    [Fact]
    public Task AsyncLocalFunctionSwallowsInASystemExceptionCatch() => Reports("""
        public class Watcher : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                return WatchAsync();

                async Task WatchAsync()
                {
                    {|#0:while|} (true)
                    {
                        try
                        {
                            await _queue.ReceiveAsync(stoppingToken);
                        }
                        catch (SystemException)
                        {
                            await Task.Delay(500);
                        }
                    }
                }
            }
        }
        """, Diagnostic("while", Observe));

    [Fact]
    public Task CatchThatLetsCancellationThroughByFilterIsClean() => Clean("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (true)
                {
                    try
                    {
                        await _queue.ReceiveAsync(stoppingToken);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        await Task.Delay(5000);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task CancellationCatchThatBreaksIsClean() => Clean("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (true)
                {
                    try
                    {
                        await _queue.ReceiveAsync(stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    catch (Exception)
                    {
                        await Task.Delay(5000);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task CatchThatRethrowsIsClean() => Clean("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;
            private readonly ILogger _logger = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (true)
                {
                    try
                    {
                        await _queue.ReceiveAsync(stoppingToken);
                    }
                    catch (Exception exception)
                    {
                        _logger.Log(exception.Message);
                        throw;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task TokenObservedOutsideTheTryIsClean() => Clean("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (true)
                {
                    try
                    {
                        await _queue.ReceiveAsync(stoppingToken);
                    }
                    catch (Exception)
                    {
                    }

                    await Task.Delay(5000, stoppingToken);
                }
            }
        }
        """);

    [Fact]
    public Task CatchOfAnotherExceptionTypeIsClean() => Clean("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (true)
                {
                    try
                    {
                        await _queue.ReceiveAsync(stoppingToken);
                    }
                    catch (IOException)
                    {
                        await Task.Delay(5000);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task LoopConditionOnTheTokenIsClean() => Clean("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    try
                    {
                        await _queue.ReceiveAsync(stoppingToken);
                    }
                    catch (Exception)
                    {
                    }

                    await Task.Delay(5000);
                }
            }
        }
        """);

    [Fact]
    public Task FixChecksTheTokenAndPassesItToTheDelay() => Verify.FixAsync<EndlessLoopAnalyzer, EndlessLoopCodeFixProvider>(LifetimeSources.Wrap("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;
            private readonly ILogger _logger = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|BND2002:while|} (true)
                {
                    try
                    {
                        await _queue.ReceiveAsync(stoppingToken);
                    }
                    catch (Exception exception)
                    {
                        _logger.Log("poll failed: " + exception.Message);
                    }

                    await Task.Delay(5000);
                }
            }
        }
        """), LifetimeSources.Wrap("""
        public class Poller : BackgroundService
        {
            private readonly IQueueClient _queue = null!;
            private readonly ILogger _logger = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    try
                    {
                        await _queue.ReceiveAsync(stoppingToken);
                    }
                    catch (Exception exception)
                    {
                        _logger.Log("poll failed: " + exception.Message);
                    }

                    await Task.Delay(5000, stoppingToken);
                }
            }
        }
        """), EndlessLoopCodeFixProvider.ObserveTokenKey);
}
