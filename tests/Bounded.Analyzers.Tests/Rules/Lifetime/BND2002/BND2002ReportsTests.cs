using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Lifetime.BND2002Verify;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>BND2002: code that is reported.</summary>
public class BND2002ReportsTests
{
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

    /// <summary>The stop signal the method's lifetime parameter carries is what the advice names.</summary>
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
        """, Diagnostic("while", "observe 'lifetime.ApplicationStopping'"));

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
}
