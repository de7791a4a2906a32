using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Bounded.CodeFixes.Lifetime;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

public class BND2002FixTests
{
    private static Task Fix(string source, string fixedSource, string key = EndlessLoopCodeFixProvider.ObserveTokenKey) =>
        Verify.FixAsync<EndlessLoopAnalyzer, EndlessLoopCodeFixProvider>(LifetimeSources.Wrap(source), LifetimeSources.Wrap(fixedSource), key);

    [Fact]
    public Task WhileTrueInBackgroundServiceChecksTheTokenAndPassesIt() => Fix("""
        public class Heartbeat : BackgroundService
        {
            private readonly HttpClient _http = new();

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|BND2002:while|} (true)
                {
                    await _http.GetAsync("https://example.org/ping");
                    await Task.Delay(5000);
                }
            }
        }
        """, """
        public class Heartbeat : BackgroundService
        {
            private readonly HttpClient _http = new();

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    await _http.GetAsync("https://example.org/ping", stoppingToken);
                    await Task.Delay(5000, stoppingToken);
                }
            }
        }
        """);

    [Fact]
    public Task ForEverThrowsAtTheTop() => Fix("""
        public class Consumer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                {|BND2002:for|} (;;)
                {
                    var message = await _queue.ReceiveAsync();
                    if (message is null) continue;
                    await _queue.CompleteAsync(message).ConfigureAwait(false);
                }
            }
        }
        """, """
        public class Consumer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                for (;;)
                {
                    stoppingToken.ThrowIfCancellationRequested();
                    var message = await _queue.ReceiveAsync(stoppingToken);
                    if (message is null) continue;
                    await _queue.CompleteAsync(message, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        """);

    [Fact]
    public Task ValueReturningFunctionThrowsInsteadOfFallingOff() => Fix("""
        public class Poller
        {
            public async Task<int> PollAsync(CancellationToken cancellationToken)
            {
                {|BND2002:while|} (true)
                {
                    await Task.Delay(1000);
                }
            }
        }
        """, """
        public class Poller
        {
            public async Task<int> PollAsync(CancellationToken cancellationToken)
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Delay(1000, cancellationToken);
                }
            }
        }
        """);

    [Fact]
    public Task FieldConditionIsExtended() => Fix("""
        public sealed class Flusher
        {
            private readonly bool _running = true;
            private readonly CancellationTokenSource _shutdown = new();
            private readonly Stream _stream = Stream.Null;

            public async Task RunAsync()
            {
                {|BND2002:while|} (_running)
                {
                    await _stream.FlushAsync();
                }

                Console.WriteLine("stopped");
            }
        }
        """, """
        public sealed class Flusher
        {
            private readonly bool _running = true;
            private readonly CancellationTokenSource _shutdown = new();
            private readonly Stream _stream = Stream.Null;

            public async Task RunAsync()
            {
                while (_running && !_shutdown.Token.IsCancellationRequested)
                {
                    await _stream.FlushAsync(_shutdown.Token);
                }

                Console.WriteLine("stopped");
            }
        }
        """);

    [Fact]
    public Task DoWhileAndTaskRunLambdaInFixAll() => Fix("""
        public class Pumps
        {
            private readonly Channel<Message> _channel = Channel.CreateUnbounded<Message>();

            public Task Start(CancellationToken cancellationToken) => Task.Run(async () =>
            {
                {|BND2002:while|} (true)
                {
                    var message = await _channel.Reader.ReadAsync();
                    Console.WriteLine(message.Id);
                }
            });

            public async Task PollAsync(CancellationToken cancellationToken)
            {
                {|BND2002:do|}
                {
                    await Task.Delay(1000);
                }
                while (true);
            }
        }
        """, """
        public class Pumps
        {
            private readonly Channel<Message> _channel = Channel.CreateUnbounded<Message>();

            public Task Start(CancellationToken cancellationToken) => Task.Run(async () =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var message = await _channel.Reader.ReadAsync(cancellationToken);
                    Console.WriteLine(message.Id);
                }
            });

            public async Task PollAsync(CancellationToken cancellationToken)
            {
                do
                {
                    await Task.Delay(1000, cancellationToken);
                }
                while (!cancellationToken.IsCancellationRequested);
            }
        }
        """);

    [Fact]
    public Task NestedLoopsFixedTogether() => Fix("""
        public class Nested
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                {|BND2002:while|} (true)
                {
                    {|BND2002:while|} (true)
                    {
                        await Task.Delay(1);
                    }
                }
            }
        }
        """, """
        public class Nested
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    while (true)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await Task.Delay(1, cancellationToken);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task SyncLambdaWithSleepGetsCheck() => Fix("""
        public class Sweeper
        {
            private readonly ConcurrentDictionary<string, DateTime> _entries = new();

            public void Start(CancellationToken cancellationToken) => Task.Run(() =>
            {
                {|BND2002:while|} (true)
                {
                    foreach (var key in _entries.Keys) _entries.TryRemove(key, out _);
                    Thread.Sleep(60_000);
                }
            });
        }
        """, """
        public class Sweeper
        {
            private readonly ConcurrentDictionary<string, DateTime> _entries = new();

            public void Start(CancellationToken cancellationToken) => Task.Run(() =>
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach (var key in _entries.Keys) _entries.TryRemove(key, out _);
                    Thread.Sleep(60_000);
                }
            });
        }
        """);

    [Fact]
    public Task ControllerRequestAborted() => Fix("""
        public class EventsController : ControllerBase
        {
            public async Task Stream(StreamWriter writer)
            {
                {|BND2002:while|} (true)
                {
                    await writer.FlushAsync();
                    await Task.Delay(1000);
                }
            }
        }
        """, """
        public class EventsController : ControllerBase
        {
            public async Task Stream(StreamWriter writer)
            {
                while (!HttpContext.RequestAborted.IsCancellationRequested)
                {
                    await writer.FlushAsync(HttpContext.RequestAborted);
                    await Task.Delay(1000, HttpContext.RequestAborted);
                }
            }
        }
        """);

    [Fact]
    public Task SeveralTokensTheFirstIsTheDefaultTheOthersAreKeyedByName() => Fix("""
        public class Bridge
        {
            public async Task RunAsync(CancellationToken requestAborted, CancellationToken shutdown)
            {
                {|BND2002:while|} (true)
                {
                    await Task.Delay(1000);
                }
            }
        }
        """, """
        public class Bridge
        {
            public async Task RunAsync(CancellationToken requestAborted, CancellationToken shutdown)
            {
                while (!shutdown.IsCancellationRequested)
                {
                    await Task.Delay(1000, shutdown);
                }
            }
        }
        """, EndlessLoopCodeFixProvider.ObserveTokenKey + ".shutdown");

    [Fact]
    public Task EmbeddedStatementBodyGetsABlock() => Fix("""
        public class Ticker
        {
            public async Task TickAsync(CancellationToken cancellationToken)
            {
                {|BND2002:for|} (;;)
                    await Task.Delay(1000);
            }
        }
        """, """
        public class Ticker
        {
            public async Task TickAsync(CancellationToken cancellationToken)
            {
                for (;;)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Delay(1000, cancellationToken);
                }
            }
        }
        """);

    [Fact]
    public Task NoTokenAnywhereAddsAParameterTheLoopObserves()
    {
        var test = new FixTest<EndlessLoopAnalyzer, EndlessLoopCodeFixProvider>
        {
            TestCode = LifetimeSources.Wrap("""
                public class Flusher
                {
                    private readonly bool _running = true;

                    public async Task RunAsync()
                    {
                        {|BND2002:while|} (_running)
                        {
                            await Task.Delay(100);
                        }
                    }
                }
                """),
            FixedCode = LifetimeSources.Wrap("""
                public class Flusher
                {
                    private readonly bool _running = true;

                    public async Task RunAsync(CancellationToken cancellationToken = default)
                    {
                        while (_running && !cancellationToken.IsCancellationRequested)
                        {
                            await Task.Delay(100, cancellationToken);
                        }
                    }
                }
                """),
            CodeActionEquivalenceKey = EndlessLoopCodeFixProvider.AddParameterKey,

            // A signature change: offered one site at a time, never applied by FixAll.
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipFixAllCheck,
        };
        return test.RunAsync();
    }
}
