using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Lifetime.BND2001Verify;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>BND2001: look-alikes and options that must stay quiet.</summary>
public class BND2001DoesNotReportTests
{
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

    /// <summary>
    /// Principle: a request's token does not fit work that outlives the request (it is cancelled on disconnect and its
    /// HttpContext is gone after the response). With only request tokens in scope, short detached work has no token it
    /// could honour, so there is no evidence to report.
    /// </summary>
    [Fact]
    public Task RequestTokensDoNotFitDetachedWork() => Clean("""
        public class OrdersController : ControllerBase
        {
            private readonly IEmailSender _email = null!;

            [HttpGet]
            public string Confirm(string to, CancellationToken cancellationToken)
            {
                _ = Task.Run(() => _email.SendAsync(to, "confirmed"));
                return "ok";
            }
        }
        """);

    /// <summary>The token a minimal-API endpoint is handed is the request's (same principle).</summary>
    [Fact]
    public Task EndpointHandlersTokenIsTheRequests() => Clean("""
        public static class OrderEndpoints
        {
            public static void Map(WebApplication app)
            {
                app.MapPost("/orders", (Order order, IOrderStore store, CancellationToken ct) =>
                {
                    _ = store.SaveAsync(order);
                    return "accepted";
                });
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

    [Fact]
    public Task TestProjectOptOutByMsBuildProperty() => InTestProject("build_property.BoundedExcludeTestProjects = true\n", null);

    [Fact]
    public Task TestProjectOptOutByRuleOption() => InTestProject("", "bounded.bnd2001.exclude_test_projects = true");

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

    // ---- principle: short one-shot work whose design has no token is not reported by default ----

    [Fact]
    public Task ShortNotificationWithNoTokenAnywhere() => Clean("""
        public class Notifier
        {
            private readonly IEmailSender _email = null!;

            public void Notify(string to)
            {
                _ = _email.SendAsync(to, "hello");
            }
        }
        """);

    [Fact]
    public Task CompletionHandOffWithATokenInScope() => Clean("""
        public sealed class PendingRequest
        {
            private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public Task<string> Result => _completion.Task;

            public void OnResponse(string response, CancellationToken cancellationToken)
            {
                // Completing off the poll thread: a token here could only skip the completion and strand the waiter.
                _ = Task.Run(() => _completion.TrySetResult(response));
            }
        }
        """);

    [Fact]
    public Task OneShotSaveThatTakesNoToken() => Clean("""
        public class Settings
        {
            private void Save(string path) => File.WriteAllText(path, "{}");

            public void SaveInBackground(string path, CancellationToken cancellationToken)
            {
                _ = Task.Run(() => Save(path));
            }
        }
        """);

    [Fact]
    public Task OwnAsyncDisposalWithoutAToken() => Clean("""
        public sealed class Connection
        {
            private readonly Stream _stream = Stream.Null;

            private async Task DisposeCoreAsync() => await _stream.DisposeAsync();

            public void Close() => _ = DisposeCoreAsync();
        }
        """);

    [Fact]
    public Task NotifierThatAwaitsItsOwnPromiseAndCleansUp() => Clean("""
        public sealed class Waiter
        {
            private readonly TaskCompletionSource<bool> _done = new();
            private int _waiting;

            public void Watch()
            {
                _ = WaitThenCleanUpAsync();

                async Task WaitThenCleanUpAsync()
                {
                    try { await _done.Task; }
                    finally { Interlocked.Decrement(ref _waiting); }
                }
            }
        }
        """);

    [Fact]
    public Task LongLivedPumpThatReadsItsOwnSourcesToken() => Clean("""
        public sealed class Session
        {
            private readonly CancellationTokenSource _closed = new();
            private readonly Stream _stream = Stream.Null;

            public async Task ConnectAsync(CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                _ = PumpAsync();
            }

            private async Task PumpAsync()
            {
                var buffer = new byte[1024];
                while (await _stream.ReadAsync(buffer, _closed.Token) > 0)
                {
                }
            }
        }
        """);

    // A session pump outlives ConnectAsync: the connect call's token does not fit it, and the pump ends with its stream.
    [Fact]
    public Task PumpThatEndsWithItsStreamIsNotOfferedTheConnectCallsToken() => Clean("""
        public sealed class Session
        {
            private readonly Stream _stream = Stream.Null;

            public async Task ConnectAsync(CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                _ = PumpAsync();
            }

            private async Task PumpAsync()
            {
                var buffer = new byte[1024];
                while (await _stream.ReadAsync(buffer) > 0)
                {
                }
            }
        }
        """);

    // A request given an explicit time limit ends by itself within it; a token would only end it sooner.
    [Fact]
    public Task RequestWithAnExplicitTimeout() => Clean("""
        public sealed class Coordinator
        {
            private Task<string> AskAsync(string question, TimeSpan timeout, CancellationToken cancellationToken = default) => Task.FromResult(question);

            public void Probe(CancellationToken cancellationToken)
            {
                _ = AskAsync("status", TimeSpan.FromSeconds(5));
            }
        }
        """);

    // Evidence: work that runs on another object whose type holds a token or token source of its own is stopped by
    // that object's owner; the caller's token would be a second, unrelated lifetime.
    [Fact]
    public Task WorkOnAnObjectThatHoldsItsOwnToken() => Clean("""
        public sealed class ReplayLane
        {
            private readonly CancellationTokenSource _stop;

            public ReplayLane(CancellationTokenSource stop) => _stop = stop;

            // Its loop lives in another file in real code; what this file shows is the object's own token source.
            public async Task RunAsync()
            {
                while (true)
                {
                    await ReplayLog.ReplayAsync();
                }
            }
        }

        public static class ReplayLog
        {
            public static Task ReplayAsync() => Task.Delay(10);
        }

        public sealed class ReplayDriver
        {
            private readonly CancellationTokenSource _stop = new();
            private readonly List<ReplayLane> _lanes = new();

            public void Start()
            {
                foreach (var lane in _lanes)
                {
                    _ = Task.Run(() => lane.RunAsync());
                }

                _ = _lanes[0].RunAsync();
            }
        }
        """);
}
