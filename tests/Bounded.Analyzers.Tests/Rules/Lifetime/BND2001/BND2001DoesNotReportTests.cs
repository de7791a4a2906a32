using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Lifetime;

public class BND2001AnalyzerTests
{
    private static DiagnosticResult Diagnostic(string site, string advice, int marker = 0) =>
        new DiagnosticResult(RuleIds.DetachedTaskWithoutToken, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(site, advice);

    private static Task Reports(string code, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(LifetimeSource.Code(code), expected);

    private static Task Clean(string code, string? editorConfig = null) => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(LifetimeSource.Code(code), editorConfig);

    // ---- positives ----

    [Fact]
    public Task ControllerDiscardsTaskRunWhileRequestAbortedExists() => Reports("""
        public class OrdersController : ControllerBase
        {
            private readonly IEmailSender _email = null!;

            [HttpGet]
            public string Confirm(string to)
            {
                _ = {|#0:Task.Run|}(() => _email.SendAsync(to, "confirmed"));
                return "ok";
            }
        }
        """, Diagnostic("Task.Run", "pass 'HttpContext.RequestAborted'"));

    [Fact]
    public Task TaskRunStatementInAsyncMethodWithTokenParameter() => Reports("""
        public class Importer
        {
            private readonly HttpClient _http = new();

            public async Task ImportAsync(string url, CancellationToken cancellationToken)
            {
                await Task.Yield();
                {|#0:Task.Run|}(async () => await _http.GetStringAsync(url));
            }
        }
        """, Diagnostic("Task.Run", "pass 'cancellationToken'"));

    [Fact]
    public Task DiscardedAsyncCallThatTakesAToken() => Reports("""
        public class OrderHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;

            public Task HandleAsync(Order message, CancellationToken cancellationToken)
            {
                _ = _store.{|#0:SaveAsync|}(message);
                return Task.CompletedTask;
            }
        }
        """, Diagnostic("SaveAsync", "pass 'cancellationToken'"));

    [Fact]
    public Task BackgroundServiceStartsDetachedRefresh() => Reports("""
        public class CacheWarmer : BackgroundService
        {
            private readonly HttpClient _http = new();

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _ = {|#0:Task.Run|}(() => _http.GetStringAsync("https://example.org/warm"));
                return Task.CompletedTask;
            }
        }
        """, Diagnostic("Task.Run", "pass 'stoppingToken'"));

    [Fact]
    public Task NoTokenInScope() => Reports("""
        public class Notifier
        {
            private readonly IEmailSender _email = null!;

            public void Notify(string to)
            {
                _ = _email.{|#0:SendAsync|}(to, "hello");
            }
        }
        """, Diagnostic("SendAsync", "no token is in scope to stop it"));

    [Fact]
    public Task StartNewWithoutToken() => Reports("""
        public class Indexer
        {
            public void Reindex(string[] files, CancellationToken cancellationToken)
            {
                {|#0:Task.Factory.StartNew|}(() => { foreach (var f in files) File.ReadAllText(f); });
            }
        }
        """, Diagnostic("Task.Factory.StartNew", "pass 'cancellationToken'"));

    [Fact]
    public Task NewTaskStart() => Reports("""
        public class Compactor
        {
            public void Compact(string path, CancellationToken cancellationToken)
            {
                new Task(() => File.Delete(path)).{|#0:Start|}();
            }
        }
        """, Diagnostic("Task.Start", "pass 'cancellationToken'"));

    [Fact]
    public Task MethodGroupWork() => Reports("""
        public class Poller
        {
            private Task PollAsync() => Task.Delay(10);

            public void Start(CancellationToken cancellationToken)
            {
                _ = {|#0:Task.Run|}(PollAsync);
            }
        }
        """, Diagnostic("Task.Run", "pass 'cancellationToken'"));

    [Fact]
    public Task DefaultTokenArgumentIsNoToken() => Reports("""
        public class Sync
        {
            private readonly IOrderStore _store = null!;

            public void Save(Order order, CancellationToken cancellationToken)
            {
                _ = _store.{|#0:SaveAsync|}(order, default);
            }
        }
        """, Diagnostic("SaveAsync", "pass 'cancellationToken'"));

    [Fact]
    public Task DefaultTokenArgumentToTaskRunIsNoToken() => Reports("""
        public class Sync
        {
            public void Kick(CancellationToken cancellationToken)
            {
                _ = {|#0:Task.Run|}(() => Thread.Sleep(100), default);
            }
        }
        """, Diagnostic("Task.Run", "pass 'cancellationToken'"));

    [Fact]
    public Task FieldSourceOneMemberDeep() => Reports("""
        public sealed class Pump : IDisposable
        {
            private readonly CancellationTokenSource _shutdown = new();
            private readonly IQueueClient _queue = null!;

            public void Kick()
            {
                _ = _queue.{|#0:ReceiveAsync|}();
            }

            public void Dispose() => _shutdown.Dispose();
        }
        """, Diagnostic("ReceiveAsync", "pass '_shutdown.Token'"));

    [Fact]
    public Task ApplicationStoppingFromInjectedLifetime() => Reports("""
        public class Warmup
        {
            private readonly IHostApplicationLifetime _lifetime = null!;
            private readonly HttpClient _http = new();

            public void Begin()
            {
                _ = {|#0:Task.Run|}(() => _http.GetAsync("https://example.org"));
            }
        }
        """, Diagnostic("Task.Run", "pass '_lifetime.ApplicationStopping'"));

    [Fact]
    public Task TwoTokenLocalsBothNamed() => Reports("""
        public class Linker
        {
            private readonly IOrderStore _store = null!;

            public void Save(Order order)
            {
                var first = new CancellationTokenSource().Token;
                var second = new CancellationTokenSource().Token;
                _ = _store.{|#0:SaveAsync|}(order);
            }
        }
        """, Diagnostic("SaveAsync", "pass 'first' or 'second'"));

    [Fact]
    public Task MinimalApiStyleLambdaHandler() => Reports("""
        public static class Endpoints
        {
            public static Func<string, CancellationToken, string> Enqueue(IEmailSender email) => (to, ct) =>
            {
                _ = email.{|#0:SendAsync|}(to, "welcome");
                return "accepted";
            };
        }
        """, Diagnostic("SendAsync", "pass 'ct'"));

    [Fact]
    public Task ConfigureAwaitDiscarded() => Reports("""
        public class Flusher
        {
            public void Flush(Stream stream, CancellationToken cancellationToken)
            {
                _ = stream.{|#0:FlushAsync|}().ConfigureAwait(false);
            }
        }
        """, Diagnostic("FlushAsync", "pass 'cancellationToken'"));

    [Fact]
    public Task DelayOverloadWithTokenExists() => Reports("""
        public class Timer2
        {
            public void Arm(CancellationToken cancellationToken)
            {
                _ = {|#0:Task.Delay|}(1000);
            }
        }
        """, Diagnostic("Delay", "pass 'cancellationToken'"));

    [Fact]
    public Task SourceMethodWithoutTokenParameter() => Reports("""
        public class Audit
        {
            private async Task WriteAuditAsync(string entry) => await File.AppendAllTextAsync("audit.log", entry);

            public void Record(string entry, CancellationToken cancellationToken)
            {
                _ = {|#0:WriteAuditAsync|}(entry);
            }
        }
        """, Diagnostic("WriteAuditAsync", "'WriteAuditAsync' accepts no token; give it one and pass 'cancellationToken'"));

    [Fact]
    public Task TaskRunObservedThroughAnExtensionIsReportedAtTaskRun() => Reports("""
        public static class TaskObservation
        {
            public static Task ObserveErrors(this Task task) => task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        public sealed class Cache
        {
            public void Refresh(CancellationToken cancellationToken)
            {
                {|#0:Task.Run|}(() => Thread.Sleep(100)).ObserveErrors();
            }
        }
        """, Diagnostic("Task.Run", "pass 'cancellationToken'"));

    // Sonarr's EventAggregator: the factory's own token is not a token to pass.
    [Fact]
    public Task TaskFactoryFieldIsNotATokenSource() => Reports("""
        public sealed class Aggregator
        {
            private readonly TaskFactory _taskFactory = new TaskFactory();

            public void Publish(Order order, IOrderStore store)
            {
                _taskFactory.{|#0:StartNew|}(() => store.SaveAsync(order));
            }
        }
        """, Diagnostic("Task.Factory.StartNew", "no token is in scope to stop it"));

    [Fact]
    public Task MethodGroupWhoseBodyReadsNoToken() => Reports("""
        public class Poller
        {
            private readonly HttpClient _http = new();

            public void Start()
            {
                _ = {|#0:Task.Run|}(PollAsync);
            }

            private async Task PollAsync()
            {
                while (true)
                {
                    await _http.GetStringAsync("https://example.org/status");
                    await Task.Delay(1000);
                }
            }
        }
        """, Diagnostic("Task.Run", "no token is in scope to stop it"));

    [Fact]
    public Task CalleeWithAnOmittedTokenParameterDoesNotObserveIt() => Reports("""
        public class Poller
        {
            public void Start(CancellationToken stoppingToken)
            {
                _ = {|#0:Task.Run|}(() => PollAsync());
            }

            private static async Task PollAsync(CancellationToken cancellationToken = default)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(1000, cancellationToken);
                }
            }
        }
        """, Diagnostic("Task.Run", "pass 'stoppingToken'"));

    [Fact]
    public Task CalleeDeclaredInAnotherFileIsNotRead()
    {
        var test = new AnalyzerTest<DetachedTaskAnalyzer>();
        test.TestState.Sources.Add(LifetimeSource.Code("""
            public partial class Pump
            {
                public void Start()
                {
                    _ = {|#0:Task.Run|}(PumpAsync);
                }
            }
            """));
        test.TestState.Sources.Add(("Pump.Loop.cs", """
            using System.Threading;
            using System.Threading.Tasks;

            public partial class Pump
            {
                private readonly CancellationTokenSource _shutdown = new();

                private async Task PumpAsync()
                {
                    while (!_shutdown.IsCancellationRequested)
                    {
                        await Task.Delay(100, _shutdown.Token);
                    }
                }
            }
            """));
        test.ExpectedDiagnostics.Add(Diagnostic("Task.Run", "pass '_shutdown.Token'"));
        return test.RunAsync();
    }

    [Fact]
    public Task ValueTaskChannelWriteDiscarded() => Reports("""
        public class Publisher
        {
            private readonly Channel<Message> _channel = Channel.CreateUnbounded<Message>();

            public void Publish(Message message, CancellationToken cancellationToken)
            {
                _ = _channel.Writer.{|#0:WriteAsync|}(message);
            }
        }
        """, Diagnostic("WriteAsync", "pass 'cancellationToken'"));

    [Fact]
    public Task TaskRunInLoopIsAlsoReported() => Reports("""
        public class Fanout
        {
            private readonly IEmailSender _email = null!;

            public void Broadcast(IEnumerable<string> recipients, CancellationToken cancellationToken)
            {
                foreach (var to in recipients)
                {
                    _ = {|#0:Task.Run|}(() => _email.SendAsync(to, "news"));
                }
            }
        }
        """, Diagnostic("Task.Run", "pass 'cancellationToken'"));

    [Fact]
    public Task LocalFunctionTokenWins() => Reports("""
        public class Outer
        {
            private readonly IOrderStore _store = null!;

            public void Run(CancellationToken outer)
            {
                void Inner(Order order, CancellationToken inner)
                {
                    _ = _store.{|#0:SaveAsync|}(order);
                }

                Inner(new Order(1, "a", 1m), outer);
            }
        }
        """, Diagnostic("SaveAsync", "pass 'inner'"));

    [Fact]
    public Task StaticContextSkipsInstanceMembers() => Reports("""
        public class Helper
        {
            private readonly CancellationTokenSource _cts = new();

            public static void Fire(IEmailSender email)
            {
                _ = email.{|#0:SendAsync|}("x", "y");
            }
        }
        """, Diagnostic("SendAsync", "no token is in scope to stop it"));

    [Fact]
    public Task OwnershipOptionForOtherMethodStillReports() => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(LifetimeSource.Code("""
        public class Sender
        {
            private readonly IEmailSender _email = null!;

            public void Send(CancellationToken cancellationToken) => _ = _email.{|#0:SendAsync|}("a", "b");
        }
        """), "bounded.task_ownership_methods = Track", Diagnostic("SendAsync", "pass 'cancellationToken'"));

    [Fact]
    public Task PrivateBaseTokenIsNeverSuggested() => Reports("""
        public abstract class ServiceBase
        {
            private readonly CancellationTokenSource _hidden = new();
            protected IEmailSender Email { get; } = null!;
        }

        public class Mailer : ServiceBase
        {
            public void Send(string to) => _ = Email.{|#0:SendAsync|}(to, "x");
        }
        """, Diagnostic("SendAsync", "no token is in scope to stop it"));

    [Fact]
    public Task ProtectedBaseTokenIsSuggested() => Reports("""
        public abstract class ServiceBase
        {
            protected CancellationToken Stopping { get; }
            protected IEmailSender Email { get; } = null!;
        }

        public class Mailer : ServiceBase
        {
            public void Send(string to) => _ = Email.{|#0:SendAsync|}(to, "x");
        }
        """, Diagnostic("SendAsync", "pass 'Stopping'"));

    [Fact]
    public Task MinimalApiMapPostHandler() => Reports("""
        public static class OrderEndpoints
        {
            public static void Map(WebApplication app)
            {
                app.MapPost("/orders", (Order order, IOrderStore store, CancellationToken ct) =>
                {
                    _ = store.{|#0:SaveAsync|}(order);
                    return "accepted";
                });
            }
        }
        """, Diagnostic("SaveAsync", "pass 'ct'"));

    // ---- negatives ----

    // rabbitmq-dotnet-client: an event's add accessor runs a late subscriber's async handler at once.
    [Fact]
    public Task AsyncEventHandlerDelegateInvokedWithoutAToken() => Clean("""
        public delegate Task AsyncEventHandler<in TEvent>(object sender, TEvent @event);

        public sealed class Connection
        {
            private readonly List<AsyncEventHandler<EventArgs>> _handlers = new();
            private bool _open;

            public event AsyncEventHandler<EventArgs> ShutdownAsync
            {
                add
                {
                    if (_open)
                    {
                        _handlers.Add(value);
                    }
                    else
                    {
                        value(this, EventArgs.Empty);
                    }
                }
                remove => _handlers.Remove(value);
            }
        }
        """);

    [Fact]
    public Task DelegateThatTakesATokenIsStillReported() => Reports("""
        public sealed class Scheduler
        {
            public void Fire(Func<CancellationToken, Task> job, CancellationToken cancellationToken)
            {
                _ = {|#0:job|}(default);
            }
        }
        """, Diagnostic("job", "pass 'cancellationToken'"));

    // StackExchange.Redis: a health check that missed its deadline is left running; ObserveErrors only attaches a
    // continuation to the task, which was started (and kept) by the loop above.
    [Fact]
    public Task ExistingTaskObservedThroughAnExtension() => Clean("""
        public static class TaskObservation
        {
            public static Task ObserveErrors(this Task task) => task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        public sealed class HealthChecks
        {
            public async Task<int> CountHealthyAsync(IReadOnlyList<Func<Task>> probes, CancellationToken cancellationToken)
            {
                var pending = new Task[probes.Count];
                for (var i = 0; i < pending.Length; i++)
                {
                    pending[i] = probes[i]();
                }

                await Task.WhenAny(Task.WhenAll(pending), Task.Delay(1000, cancellationToken));
                var healthy = 0;
                for (var i = 0; i < pending.Length; i++)
                {
                    if (pending[i].IsCompletedSuccessfully)
                    {
                        healthy++;
                    }
                    else
                    {
                        _ = pending[i].ObserveErrors();
                    }
                }

                return healthy;
            }
        }
        """);

    // MQTTnet: the will message is dispatched even when the client's connection is being torn down.
    [Fact]
    public Task ExplicitNoneIsTheAuthorsDecision() => Clean("""
        public class Session
        {
            private readonly IOrderStore _store = null!;

            public void Close(Order lastWill, CancellationToken cancellationToken)
            {
                _ = _store.SaveAsync(lastWill, CancellationToken.None);
                _ = Task.Run(() => _store.SaveAsync(lastWill, CancellationToken.None), CancellationToken.None);
            }
        }
        """);

    // MQTTnet's SocketAwaitable: an awaiter schedules the continuation it was given.
    [Fact]
    public Task DelegateReceivedAsAParameterIsTheCallersWork() => Clean("""
        public sealed class SocketAwaitable : System.Runtime.CompilerServices.ICriticalNotifyCompletion
        {
            public bool IsCompleted { get; private set; }

            public void OnCompleted(Action continuation)
            {
                Task.Run(continuation);
            }

            public void UnsafeOnCompleted(Action continuation) => OnCompleted(continuation);
        }
        """);

    // Polly's ReloadableComponent: the replaced component is disposed in the background.
    [Fact]
    public Task OwnDisposalMethodIsNotWorkToCancel() => Clean("""
        public sealed class Reloadable
        {
            private IAsyncDisposable? _current;

            public void Reload(IAsyncDisposable next)
            {
                var previous = _current;
                _current = next;
                if (previous is not null)
                {
                    _ = DisposeDiscardedAsync(previous);
                }
            }

            private static async Task DisposeDiscardedAsync(IAsyncDisposable component)
            {
                try
                {
                    await component.DisposeAsync();
                }
                catch (Exception)
                {
                }
            }
        }
        """);

    // Orleans' message center and grain directory: a send that takes no token, from code that was handed none
    // (the type may keep a shutdown token in a field).
    [Theory]
    [InlineData("")]
    [InlineData("private readonly CancellationTokenSource _stopped = new();")]
    public Task TokenlessCalleeFromCodeHandedNoToken(string field) => Clean($$"""
        public sealed class MessageCenter
        {
            {{field}}

            public void Send(Message message)
            {
                _ = SendAsync(message);
            }

            private static async Task SendAsync(Message message)
            {
                await Task.Yield();
                Console.WriteLine(message.Id);
            }
        }
        """);

    [Fact]
    public Task MethodGroupThatReadsAFieldToken() => Clean("""
        public sealed class Pump : IDisposable
        {
            private readonly CancellationTokenSource _shutdown = new();
            private readonly HttpClient _http = new();

            public void Start() => _ = Task.Run(PumpAsync);

            private async Task PumpAsync()
            {
                while (!_shutdown.IsCancellationRequested)
                {
                    await _http.GetStringAsync("https://example.org/status", _shutdown.Token);
                }
            }

            public void Dispose() => _shutdown.Cancel();
        }
        """);

    [Fact]
    public Task DiscardedOwnMethodThatReadsAFieldToken() => Clean("""
        public sealed class Heartbeat
        {
            private readonly CancellationToken _stopping;

            public Heartbeat(IHostApplicationLifetime lifetime) => _stopping = lifetime.ApplicationStopping;

            public void Start()
            {
                _ = BeatAsync();
            }

            private async Task BeatAsync()
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), _stopping);
                }
            }
        }
        """);

    [Fact]
    public Task LambdaCallingAMethodThatReadsAFieldToken() => Clean("""
        public sealed class Indexer
        {
            private readonly CancellationTokenSource _shutdown = new();

            public void Rebuild(string path)
            {
                Task.Run(() => RebuildAsync(path));
            }

            private async Task RebuildAsync(string path)
            {
                foreach (var line in await File.ReadAllLinesAsync(path, _shutdown.Token))
                {
                    _shutdown.Token.ThrowIfCancellationRequested();
                }
            }
        }
        """);

    [Fact]
    public Task LocalFunctionThatReadsTheLoopToken() => Clean("""
        public sealed class Worker
        {
            public void Run(CancellationTokenSource cts)
            {
                _ = Task.Run(LoopAsync);

                async Task LoopAsync()
                {
                    while (!cts.IsCancellationRequested)
                    {
                        await Task.Delay(100, cts.Token);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task MinimalApiHandlerPassesToken() => Clean("""
        public static class OrderEndpoints
        {
            public static void Map(WebApplication app)
            {
                app.MapPost("/orders", (Order order, IOrderStore store, CancellationToken ct) =>
                {
                    _ = store.SaveAsync(order, ct);
                    return "accepted";
                });
            }
        }
        """);

    [Fact]
    public Task Awaited() => Clean("""
        public class OrderHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;

            public async Task HandleAsync(Order message, CancellationToken cancellationToken) => await _store.SaveAsync(message);
        }
        """);

    [Fact]
    public Task StoredAndAwaitedLater() => Clean("""
        public class Loader
        {
            private readonly HttpClient _http = new();

            public async Task<int> LoadAsync(CancellationToken cancellationToken)
            {
                var pending = Task.Run(() => _http.GetStringAsync("https://example.org"));
                await Task.Delay(10, cancellationToken);
                return (await pending).Length;
            }
        }
        """);

    [Fact]
    public Task StoredInField() => Clean("""
        public class Service
        {
            private Task? _loop;

            public void Start() => _loop = Task.Run(() => Thread.Sleep(10));
        }
        """);

    [Fact]
    public Task AddedToCollection() => Clean("""
        public class Batch
        {
            private readonly List<Task> _pending = new();
            private readonly IEmailSender _email = null!;

            public void Queue(string to) => _pending.Add(_email.SendAsync(to, "x"));

            public Task DrainAsync() => Task.WhenAll(_pending);
        }
        """);

    [Fact]
    public Task ReturnedToCaller() => Clean("""
        public class Proxy
        {
            private readonly IEmailSender _email = null!;

            public Task SendLaterAsync(string to) => Task.Run(() => _email.SendAsync(to, "x"));
        }
        """);

    [Fact]
    public Task TokenPassedToTaskRun() => Clean("""
        public class Worker : BackgroundService
        {
            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _ = Task.Run(() => Thread.Sleep(100), stoppingToken);
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task LambdaCapturesToken() => Clean("""
        public class Worker : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _ = Task.Run(async () =>
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        var message = await _queue.ReceiveAsync(stoppingToken);
                    }
                });
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task TokenPassedToDiscardedCall() => Clean("""
        public class OrdersController : ControllerBase
        {
            private readonly IOrderStore _store = null!;

            public string Post(Order order)
            {
                _ = _store.SaveAsync(order, HttpContext.RequestAborted);
                return "accepted";
            }
        }
        """);

    [Fact]
    public Task ObservingContinuation() => Clean("""
        public class Fire
        {
            private readonly ILogger _log = null!;
            private readonly IEmailSender _email = null!;

            public void Send(string to) => _email.SendAsync(to, "x").ContinueWith(t => _log.Log(t.Exception!.Message), TaskContinuationOptions.OnlyOnFaulted);
        }
        """);

    [Fact]
    public Task CompletedTaskAndFromResult() => Clean("""
        public class Trivial
        {
            public void Touch()
            {
                _ = Task.FromResult(42);
                _ = Task.CompletedTask;
                _ = Task.WhenAll(Task.CompletedTask);
            }
        }
        """);

    [Fact]
    public Task LibraryCallWithoutTokenOverload() => Clean("""
        public class Closer
        {
            public void Close(Stream stream, CancellationToken cancellationToken)
            {
                _ = stream.DisposeAsync();
                _ = Task.Yield();
            }
        }
        """);

    [Fact]
    public Task OwnershipMethodConfiguredByName() => Clean("""
        public class Tracker
        {
            public Task Track(Task work) => work;
        }

        public class Uses
        {
            private readonly Tracker _tracker = new();
            private readonly IEmailSender _email = null!;

            public void Send(string to, CancellationToken cancellationToken) => _ = _tracker.Track(_email.SendAsync(to, "x", cancellationToken));
        }
        """, "bounded.task_ownership_methods = Tracker.Track");

    [Fact]
    public Task OwnershipMethodConfiguredByFullName() => Clean("""
        namespace Jobs
        {
            public class Queue
            {
                public async Task EnqueueAsync(Func<Task> work) => await work();
            }

            public class Uses
            {
                private readonly Queue _queue = new();

                public void Schedule(CancellationToken cancellationToken) => _ = _queue.EnqueueAsync(() => Task.Delay(1));
            }
        }
        """, "bounded.task_ownership_methods = Jobs.Queue.EnqueueAsync");

    [Fact]
    public Task SourceMethodThatReceivesTheToken() => Clean("""
        public class Audit
        {
            private Task WriteAsync(string entry, CancellationToken cancellationToken) => Task.Delay(1, cancellationToken);

            public void Record(string entry, CancellationToken cancellationToken) => _ = WriteAsync(entry, cancellationToken);
        }
        """);

    [Fact]
    public Task AsyncVoidCallIsNotATask() => Clean("""
        public class Ui
        {
            private async void OnClick(object? sender, EventArgs e) => await Task.Delay(1);

            public void Raise() => OnClick(null, EventArgs.Empty);
        }
        """);

    [Fact]
    public Task TaskLocalDiscardedIsNotAStart() => Clean("""
        public class Holder
        {
            private readonly Task _running = Task.CompletedTask;

            public void Forget() => _ = _running;
        }
        """);

    [Fact]
    public Task StartNewTokenOverload() => Clean("""
        public class Indexer
        {
            public void Reindex(CancellationToken cancellationToken)
            {
                Task.Factory.StartNew(() => Thread.Sleep(1), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }
        """);

    [Fact]
    public Task NewTaskWithToken() => Clean("""
        public class Compactor
        {
            public void Compact(string path, CancellationToken cancellationToken)
            {
                new Task(() => File.Delete(path), cancellationToken).Start();
            }
        }
        """);

    [Fact]
    public Task ObservedThroughSourceInLambda() => Clean("""
        public sealed class Pump
        {
            private readonly CancellationTokenSource _shutdown = new();

            public void Start()
            {
                _ = Task.Run(async () =>
                {
                    while (!_shutdown.IsCancellationRequested)
                    {
                        await Task.Delay(100);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task StoredStartedTask() => Clean("""
        public class Starter
        {
            public Task Begin()
            {
                var task = new Task(() => Thread.Sleep(1));
                task.Start();
                return task;
            }
        }
        """);

    private const string TestProjectSource = """
        public class Tests
        {
            private readonly IEmailSender _email = null!;

            public void Fires() => _ = _email.{|#0:SendAsync|}("a", "b");
        }
        """;

    private static Task InTestProject(string globalConfig, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<DetachedTaskAnalyzer> { TestCode = LifetimeSource.Code(TestProjectSource) };
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbuild_property.IsTestProject = true\n" + globalConfig));
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + editorConfig));
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task TestProjectOptOutByMsBuildProperty() => InTestProject("build_property.BoundedExcludeTestProjects = true\n", null);

    [Fact]
    public Task TestProjectOptOutByRuleOption() => InTestProject("", "bounded.bnd2001.exclude_test_projects = true");

    [Fact]
    public Task TestProjectWithoutOptOutIsReported() => InTestProject("", null, Diagnostic("SendAsync", "no token is in scope to stop it"));

    [Fact]
    public Task SynchronousCallIsNotDetached() => Clean("""
        public class Writer
        {
            public void Write(string path, CancellationToken cancellationToken)
            {
                File.WriteAllText(path, "x");
            }
        }
        """);
}
