using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Lifetime.BND2002Verify;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>BND2002: look-alikes and options that must stay quiet.</summary>
public class BND2002DoesNotReportTests
{
    [Fact]
    public Task ObservesStoppingToken() => Clean("""
        public class Heartbeat : BackgroundService
        {
            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    await Task.Delay(5000, stoppingToken);
                }
            }
        }
        """);

    [Fact]
    public Task TokenPassedToAwaitedCall() => Clean("""
        public class Consumer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (true)
                {
                    var message = await _queue.ReceiveAsync(stoppingToken);
                    if (message is not null) await _queue.CompleteAsync(message, stoppingToken);
                }
            }
        }
        """);

    [Fact]
    public Task ThrowIfCancellationRequested() => Clean("""
        public class Poller
        {
            public async Task PollAsync(CancellationToken cancellationToken)
            {
                for (;;)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Delay(1000);
                }
            }
        }
        """);

    [Fact]
    public Task BreakLeavesTheLoop() => Clean("""
        public class Reader
        {
            private readonly Channel<Message> _channel = Channel.CreateUnbounded<Message>();

            public async Task ReadAsync()
            {
                while (true)
                {
                    if (!await _channel.Reader.WaitToReadAsync()) break;
                    Console.WriteLine((await _channel.Reader.ReadAsync()).Id);
                }
            }
        }
        """);

    [Fact]
    public Task ReturnLeavesTheLoop() => Clean("""
        public class Retry
        {
            private readonly HttpClient _http = new();

            public async Task<string> GetWithRetryAsync(string url)
            {
                while (true)
                {
                    try
                    {
                        return await _http.GetStringAsync(url);
                    }
                    catch (HttpRequestException)
                    {
                        await Task.Delay(1000);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task ConditionThatCanBecomeFalse() => Clean("""
        public class Reader
        {
            private readonly Channel<Message> _channel = Channel.CreateUnbounded<Message>();

            public async Task ReadAsync()
            {
                while (await _channel.Reader.WaitToReadAsync())
                {
                    await Task.Delay(1);
                }
            }
        }
        """);

    [Fact]
    public Task FieldSetByStop() => Clean("""
        public class Service
        {
            private volatile bool _running = true;

            public async Task RunAsync()
            {
                while (_running)
                {
                    await Task.Delay(100);
                }
            }

            public void Stop() => _running = false;
        }
        """);

    [Fact]
    public Task FieldSetThroughVolatileWrite() => Clean("""
        public class Service
        {
            private bool _running = true;

            public async Task RunAsync()
            {
                while (_running)
                {
                    await Task.Delay(100);
                }
            }

            public void Stop() => Volatile.Write(ref _running, false);
        }
        """);

    [Fact]
    public Task PublicFieldMaySetElsewhere() => Clean("""
        public class Service
        {
            public bool Running = true;

            public async Task RunAsync()
            {
                while (Running)
                {
                    await Task.Delay(100);
                }
            }
        }
        """);

    [Fact]
    public Task SynchronousMethodLoopIsNotBackground() => Clean("""
        public class Repl
        {
            public void Run()
            {
                while (true)
                {
                    var line = Console.ReadLine();
                    Thread.Sleep(10);
                }
            }
        }
        """);

    [Fact]
    public Task AsyncLoopThatNeverWaits() => Clean("""
        public class Spinner
        {
            public async Task RunAsync(Queue<int> queue)
            {
                await Task.Yield();
                while (true)
                {
                    if (queue.Count == 0) return;
                    queue.Dequeue();
                }
            }
        }
        """);

    [Fact]
    public Task AsyncIteratorYields() => Clean("""
        public class Ticks
        {
            public async IAsyncEnumerable<int> TicksAsync()
            {
                var i = 0;
                while (true)
                {
                    await Task.Delay(1000);
                    yield return i++;
                }
            }
        }
        """);

    [Fact]
    public Task SourceIsCancellationRequested() => Clean("""
        public sealed class Ticker
        {
            private readonly CancellationTokenSource _cts = new();

            public async Task TickAsync()
            {
                while (true)
                {
                    if (_cts.IsCancellationRequested) return;
                    await Task.Delay(1000);
                }
            }
        }
        """);

    [Fact]
    public Task TokenInsideLambdaTaskRun() => Clean("""
        public class Pump
        {
            public Task Start(CancellationToken cancellationToken) => Task.Run(async () =>
            {
                while (true)
                {
                    await Task.Delay(100, cancellationToken);
                }
            });
        }
        """);

    [Fact]
    public Task RequestAbortedObserved() => Clean("""
        public class EventsController : ControllerBase
        {
            public async Task Stream(StreamWriter writer)
            {
                while (true)
                {
                    await writer.WriteLineAsync("data: ping".AsMemory(), HttpContext.RequestAborted);
                    await Task.Delay(1000, HttpContext.RequestAborted);
                }
            }
        }
        """);

    [Fact]
    public Task GotoLeaves() => Clean("""
        public class Old
        {
            public async Task RunAsync(Queue<int> queue)
            {
                while (true)
                {
                    await Task.Delay(1);
                    if (queue.Count == 0) goto done;
                }
            done:
                Console.WriteLine("done");
            }
        }
        """);

    [Fact]
    public Task ForEachIsNotEndless() => Clean("""
        public class Sender
        {
            public async Task SendAllAsync(IEnumerable<Order> orders, IOrderStore store)
            {
                foreach (var order in orders)
                {
                    await store.SaveAsync(order);
                }
            }
        }
        """);

    [Fact]
    public Task CountedLoop() => Clean("""
        public class Warmup
        {
            public async Task WarmAsync(HttpClient http)
            {
                for (var i = 0; i < 3; i++)
                {
                    await http.GetAsync("https://example.org");
                }
            }
        }
        """);

    [Fact]
    public Task ApplicationStoppingChecked() => Clean("""
        public class Refresher
        {
            private readonly IHostApplicationLifetime _lifetime = null!;

            public async Task RunAsync()
            {
                while (true)
                {
                    if (_lifetime.ApplicationStopping.IsCancellationRequested) return;
                    await Task.Delay(1000);
                }
            }
        }
        """);

    [Fact]
    public Task PeriodicTimerCondition() => Clean("""
        public class Scheduler : BackgroundService
        {
            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                while (await timer.WaitForNextTickAsync(stoppingToken))
                {
                    Console.WriteLine("tick");
                }
            }
        }
        """);

    [Fact]
    public Task NonBackgroundLambdaLoop() => Clean("""
        public class Builder
        {
            public Action Make() => () =>
            {
                while (true)
                {
                    Thread.Sleep(10);
                }
            };
        }
        """);
}
