using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Lifetime;

public class BND2002AnalyzerTests
{
    private static DiagnosticResult Diagnostic(string keyword, string advice, int marker = 0) =>
        new DiagnosticResult(RuleIds.LoopIgnoresCancellation, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(keyword, advice);

    private static Task Reports(string code, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<EndlessLoopAnalyzer>(LifetimeSource.Code(code), expected);

    private static Task Clean(string code) => Verify.AnalyzerAsync<EndlessLoopAnalyzer>(LifetimeSource.Code(code));

    // ---- positives ----

    // Corpus (Messaging/MessageConsumer.cs): the token only reaches the work the loop starts, never the loop.
    [Fact]
    public Task TokenGivenOnlyToDetachedWork() => Reports("""
        public class Pump : BackgroundService
        {
            private readonly HttpClient _http = new();

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    var page = await _http.GetStringAsync("https://example.org/next");
                    _ = Task.Run(() => _http.PostAsync("https://example.org/seen", new StringContent(page), stoppingToken), stoppingToken);
                }
            }
        }
        """, Diagnostic("while", "observe 'stoppingToken'"));

    [Fact]
    public Task BackgroundServiceWhileTrue() => Reports("""
        public class Heartbeat : BackgroundService
        {
            private readonly HttpClient _http = new();

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    await _http.GetAsync("https://example.org/ping");
                    await Task.Delay(5000);
                }
            }
        }
        """, Diagnostic("while", "observe 'stoppingToken'"));

    [Fact]
    public Task ForEverInQueueConsumer() => Reports("""
        public class Consumer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:for|} (;;)
                {
                    var message = await _queue.ReceiveAsync();
                    if (message is null) continue;
                    await _queue.CompleteAsync(message);
                }
            }
        }
        """, Diagnostic("for", "observe 'stoppingToken'"));

    [Fact]
    public Task DoWhileTrue() => Reports("""
        public class Poller
        {
            public async Task PollAsync(CancellationToken cancellationToken)
            {
                {|#0:do|}
                {
                    await Task.Delay(1000);
                }
                while (true);
            }
        }
        """, Diagnostic("do", "observe 'cancellationToken'"));

    [Fact]
    public Task TaskRunAsyncLambda() => Reports("""
        public class Pump
        {
            private readonly Channel<Message> _channel = Channel.CreateUnbounded<Message>();

            public Task Start(CancellationToken cancellationToken) => Task.Run(async () =>
            {
                {|#0:while|} (true)
                {
                    var message = await _channel.Reader.ReadAsync();
                    Console.WriteLine(message.Id);
                }
            });
        }
        """, Diagnostic("while", "observe 'cancellationToken'"));

    [Fact]
    public Task TaskRunSyncLambdaWithSleep() => Reports("""
        public class Sweeper
        {
            private readonly ConcurrentDictionary<string, DateTime> _entries = new();

            public void Start() => Task.Run(() =>
            {
                {|#0:while|} (true)
                {
                    foreach (var key in _entries.Keys) _entries.TryRemove(key, out _);
                    Thread.Sleep(60_000);
                }
            });
        }
        """, Diagnostic("while", "no token is in scope to stop it"));

    [Fact]
    public Task FieldNothingSets() => Reports("""
        public class Flusher
        {
            private readonly bool _running = true;
            private readonly Stream _stream = Stream.Null;

            public async Task RunAsync()
            {
                {|#0:while|} (_running)
                {
                    await _stream.FlushAsync();
                    await Task.Delay(100);
                }
            }
        }
        """, Diagnostic("while", "no token is in scope to stop it"));

    [Fact]
    public Task NegatedFieldOnlySetInConstructor() => Reports("""
        public class Flusher
        {
            private bool _stopped;
            public Flusher() { _stopped = false; }

            public async Task RunAsync()
            {
                {|#0:while|} (!_stopped)
                {
                    await Task.Delay(100);
                }
            }
        }
        """, Diagnostic("while", "no token is in scope to stop it"));

    [Fact]
    public Task ContinueDoesNotLeave() => Reports("""
        public class Drainer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    var message = await _queue.ReceiveAsync();
                    if (message is null)
                    {
                        continue;
                    }

                    await _queue.CompleteAsync(message);
                }
            }
        }
        """, Diagnostic("while", "observe 'stoppingToken'"));

    [Fact]
    public Task BreakOfInnerSwitchDoesNotLeave() => Reports("""
        public class Router
        {
            private readonly Channel<Message> _channel = Channel.CreateUnbounded<Message>();

            public async Task RouteAsync(CancellationToken cancellationToken)
            {
                {|#0:while|} (true)
                {
                    var message = await _channel.Reader.ReadAsync();
                    switch (message.Id)
                    {
                        case "a":
                            Console.WriteLine("a");
                            break;
                    }
                }
            }
        }
        """, Diagnostic("while", "observe 'cancellationToken'"));

    [Fact]
    public Task BreakOfInnerLoopDoesNotLeave() => Reports("""
        public class Batcher
        {
            public async Task RunAsync(Queue<int> queue, CancellationToken cancellationToken)
            {
                {|#0:while|} (true)
                {
                    while (queue.Count > 0)
                    {
                        if (queue.Dequeue() < 0) break;
                    }

                    await Task.Delay(50);
                }
            }
        }
        """, Diagnostic("while", "observe 'cancellationToken'"));

    [Fact]
    public Task TokenFromFieldSource() => Reports("""
        public sealed class Ticker : IDisposable
        {
            private readonly CancellationTokenSource _cts = new();

            public async Task TickAsync()
            {
                {|#0:while|} (true)
                {
                    await Task.Delay(1000);
                    Console.WriteLine("tick");
                }
            }

            public void Dispose() => _cts.Dispose();
        }
        """, Diagnostic("while", "observe '_cts.Token'"));

    [Fact]
    public Task AsyncLocalFunction() => Reports("""
        public class Host
        {
            public Task Start(CancellationToken cancellationToken)
            {
                return Loop();

                async Task Loop()
                {
                    {|#0:while|} (true)
                    {
                        await Task.Delay(10);
                    }
                }
            }
        }
        """, Diagnostic("while", "observe 'cancellationToken'"));

    [Fact]
    public Task AsyncEventHandlerLambda() => Reports("""
        public class Screen
        {
            public event EventHandler? Loaded;

            public void Wire(IHostApplicationLifetime lifetime)
            {
                Loaded += async (s, e) =>
                {
                    {|#0:while|} (true)
                    {
                        await Task.Delay(1000);
                    }
                };
            }
        }
        """, Diagnostic("while", "no token is in scope to stop it"));

    [Fact]
    public Task TokenOnlyUsedBeforeLoop() => Reports("""
        public class Worker : BackgroundService
        {
            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                await Task.Delay(100, stoppingToken);
                {|#0:while|} (true)
                {
                    await Task.Delay(1000);
                }
            }
        }
        """, Diagnostic("while", "observe 'stoppingToken'"));

    [Fact]
    public Task CatchAllSwallowsAndLoops() => Reports("""
        public class Resilient : BackgroundService
        {
            private readonly ILogger _log = null!;
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    try
                    {
                        var message = await _queue.ReceiveAsync();
                    }
                    catch (Exception ex)
                    {
                        _log.Log(ex.Message);
                    }
                }
            }
        }
        """, Diagnostic("while", "observe 'stoppingToken'"));

    [Fact]
    public Task ThrowDoesNotCountAsCancellation() => Reports("""
        public class Strict : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|#0:while|} (true)
                {
                    var message = await _queue.ReceiveAsync() ?? throw new InvalidOperationException();
                    await _queue.CompleteAsync(message);
                }
            }
        }
        """, Diagnostic("while", "observe 'stoppingToken'"));

    [Fact]
    public Task ValueTaskReturningMethod() => Reports("""
        public class Pinger
        {
            public async ValueTask PingAsync(HttpClient http, CancellationToken cancellationToken)
            {
                {|#0:while|} (true)
                {
                    await http.GetAsync("https://example.org");
                }
            }
        }
        """, Diagnostic("while", "observe 'cancellationToken'"));

    [Fact]
    public Task ControllerLongPoll() => Reports("""
        public class EventsController : ControllerBase
        {
            [HttpGet]
            public async Task Stream(StreamWriter writer)
            {
                {|#0:while|} (true)
                {
                    await writer.WriteLineAsync("data: ping");
                    await Task.Delay(1000);
                }
            }
        }
        """, Diagnostic("while", "observe 'HttpContext.RequestAborted'"));

    [Fact]
    public Task StartNewLambda() => Reports("""
        public class Legacy
        {
            public void Start(CancellationToken cancellationToken)
            {
                Task.Factory.StartNew(() =>
                {
                    {|#0:for|} (;;)
                    {
                        Thread.Sleep(500);
                    }
                });
            }
        }
        """, Diagnostic("for", "observe 'cancellationToken'"));

    [Fact]
    public Task NestedEndlessLoopsBothReported() => Reports("""
        public class Nested
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                {|#0:while|} (true)
                {
                    {|#1:while|} (true)
                    {
                        await Task.Delay(1);
                    }
                }
            }
        }
        """, Diagnostic("while", "observe 'cancellationToken'", 0), Diagnostic("while", "observe 'cancellationToken'", 1));

    [Fact]
    public Task MessageHandlerRetryForever() => Reports("""
        public class RetryingHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;

            public async Task HandleAsync(Order message, CancellationToken cancellationToken)
            {
                {|#0:while|} (true)
                {
                    await Task.Delay(100);
                    Console.WriteLine(message.Id);
                }
            }
        }
        """, Diagnostic("while", "observe 'cancellationToken'"));

    [Fact]
    public Task AwaitForeachCountsAsWaiting() => Reports("""
        public class Reconnecting
        {
            public async Task ListenAsync(Func<IAsyncEnumerable<Message>> connect, ILogger log, CancellationToken cancellationToken)
            {
                {|#0:while|} (true)
                {
                    await foreach (var message in connect())
                    {
                        log.Log(message.Id);
                    }
                }
            }
        }
        """, Diagnostic("while", "observe 'cancellationToken'"));

    // ---- negatives ----

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
