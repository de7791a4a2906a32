using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Lifetime.BND2001Verify;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>BND2001: code that is reported.</summary>
public class BND2001ReportsTests
{
    /// <summary>The request's token ends with the response; the application's stopping token is the one that fits.</summary>
    [Fact]
    public Task ControllerDiscardsTaskRunWhileTheApplicationStoppingTokenExists() => Reports("""
        public class OrdersController : ControllerBase
        {
            private readonly IEmailSender _email;
            private readonly IHostApplicationLifetime _lifetime;

            public OrdersController(IEmailSender email, IHostApplicationLifetime lifetime)
            {
                _email = email;
                _lifetime = lifetime;
            }

            [HttpGet]
            public string Confirm(string to, CancellationToken cancellationToken)
            {
                _ = {|#0:Task.Run|}(() => _email.SendAsync(to, "confirmed"));
                return "ok";
            }
        }
        """, Diagnostic("Task.Run", "pass '_lifetime.ApplicationStopping'"));

    /// <summary>Long-lived work in request code with only the request's tokens in scope: reported, and the advice names the application's stopping token.</summary>
    [Fact]
    public Task EndlessWorkInAControllerWithOnlyRequestTokens() => Reports("""
        public class FeedController : ControllerBase
        {
            private readonly IOrderStore _store = null!;

            [HttpGet]
            public string Watch(int id, CancellationToken cancellationToken)
            {
                _ = {|#0:Task.Run|}(async () =>
                {
                    while (true)
                    {
                        await _store.FindAsync(id);
                        await Task.Delay(1000);
                    }
                });
                return "watching";
            }
        }
        """, Diagnostic("Task.Run", "no token that outlives the request is in scope to stop it (the request's token ends with the response); inject IHostApplicationLifetime and pass its ApplicationStopping"));

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
    public Task NoTokenInScope() => ReportsTokenless("""
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
    public Task NewTaskStart() => ReportsTokenless("""
        public class Compactor
        {
            public void Compact(string path, CancellationToken cancellationToken)
            {
                new Task(() => File.Delete(path)).{|#0:Start|}();
            }
        }
        """, Diagnostic("Task.Start", "pass 'cancellationToken'"));

    [Fact]
    public Task MethodGroupWork() => ReportsTokenless("""
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
    public Task DefaultTokenArgumentToTaskRunIsNoToken() => ReportsTokenless("""
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
    public Task SourceMethodWithoutTokenParameter() => ReportsTokenless("""
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
    public Task TaskRunObservedThroughAnExtensionIsReportedAtTaskRun() => ReportsTokenless("""
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
    public Task TaskFactoryFieldIsNotATokenSource() => ReportsTokenless("""
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
        test.TestState.Sources.Add(LifetimeSources.Wrap("""
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
    public Task StaticContextSkipsInstanceMembers() => ReportsTokenless("""
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
    public Task OwnershipOptionForOtherMethodStillReports() => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(LifetimeSources.Wrap("""
        public class Sender
        {
            private readonly IEmailSender _email = null!;

            public void Send(CancellationToken cancellationToken) => _ = _email.{|#0:SendAsync|}("a", "b");
        }
        """), "bounded.task_ownership_methods = Track", Diagnostic("SendAsync", "pass 'cancellationToken'"));

    [Fact]
    public Task PrivateBaseTokenIsNeverSuggested() => ReportsTokenless("""
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
    public Task DelegateThatTakesATokenIsStillReported() => Reports("""
        public sealed class Scheduler
        {
            public void Fire(Func<CancellationToken, Task> job, CancellationToken cancellationToken)
            {
                _ = {|#0:job|}(default);
            }
        }
        """, Diagnostic("job", "pass 'cancellationToken'"));

    [Fact]
    public Task TestProjectWithoutOptOutIsReported() => InTestProject("", TokenlessOn, Diagnostic("SendAsync", "no token is in scope to stop it"));

    // ---- principle: long-lived detached work that nothing can stop, and tokens of the right lifetime ----

    [Fact]
    public Task SessionPumpIsOfferedTheSessionsToken() => Reports("""
        public sealed class Session
        {
            private readonly CancellationTokenSource _closed = new();
            private readonly Stream _stream = Stream.Null;

            public async Task ConnectAsync(CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                _ = {|#0:Task.Run|}(async () =>
                {
                    var buffer = new byte[1024];
                    while (await _stream.ReadAsync(buffer) > 0)
                    {
                    }
                });
            }
        }
        """, Diagnostic("Task.Run", "pass '_closed.Token'"));

    [Fact]
    public Task PollingLoopStartedWithAStartTokenHandedIn() => Reports("""
        public sealed class Poller
        {
            private readonly HttpClient _http = new();

            public void Start(CancellationToken stoppingToken)
            {
                _ = {|#0:Task.Run|}(async () =>
                {
                    while (true)
                    {
                        await _http.GetStringAsync("https://example.org/status");
                        await Task.Delay(1000);
                    }
                });
            }
        }
        """, Diagnostic("Task.Run", "pass 'stoppingToken'"));

    [Fact]
    public Task SyncLoopThatSleepsWithNoTokenAnywhere() => Reports("""
        public sealed class Heartbeat
        {
            public void Start()
            {
                {|#0:Task.Run|}(() =>
                {
                    for (;;)
                    {
                        Thread.Sleep(1000);
                    }
                });
            }
        }
        """, Diagnostic("Task.Run", "no token is in scope to stop it"));

    [Fact]
    public Task CallThatTakesATokenWhileTheCallerHasOne() => Reports("""
        public class Orders
        {
            private readonly IOrderStore _store = null!;

            public void Touch(Order order, CancellationToken cancellationToken)
            {
                _ = _store.{|#0:SaveAsync|}(order);
            }
        }
        """, Diagnostic("SaveAsync", "pass 'cancellationToken'"));

    [Fact]
    public Task LoopOverItemsCanCheckTheToken() => Reports("""
        public class Indexer
        {
            public void Reindex(string[] files, CancellationToken cancellationToken)
            {
                _ = {|#0:Task.Run|}(() => { foreach (var f in files) File.ReadAllText(f); });
            }
        }
        """, Diagnostic("Task.Run", "pass 'cancellationToken'"));

    private const string HostingStubs = """
        namespace Microsoft.Extensions.Hosting
        {
            using System.Threading;
            using System.Threading.Tasks;

            public abstract class BackgroundService { protected abstract Task ExecuteAsync(CancellationToken stoppingToken); }

            public interface IHostApplicationLifetime
            {
                CancellationToken ApplicationStarted { get; }
                CancellationToken ApplicationStopping { get; }
                CancellationToken ApplicationStopped { get; }
            }
        }

        """;

    [Fact]
    public Task ExecuteAsyncsStoppingTokenFitsLongLivedWork() => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(HostingStubs + """
        namespace App
        {
            using System.IO;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Listener : Microsoft.Extensions.Hosting.BackgroundService
            {
                private readonly Stream _stream = Stream.Null;

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    await Task.Yield();
                    _ = {|#0:Task.Run|}(async () =>
                    {
                        var buffer = new byte[64];
                        while (await _stream.ReadAsync(buffer) > 0)
                        {
                        }
                    });
                }
            }
        }
        """, Diagnostic("Task.Run", "pass 'stoppingToken'"));

    [Fact]
    public Task ApplicationStartedIsNeverAStopSignal() => Verify.AnalyzerAsync<DetachedTaskAnalyzer>(HostingStubs + """
        namespace App
        {
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Refresher
            {
                private readonly Microsoft.Extensions.Hosting.IHostApplicationLifetime _lifetime = null!;

                public void Start()
                {
                    _ = {|#0:Task.Run|}(async () =>
                    {
                        while (true)
                        {
                            await Task.Delay(1000);
                        }
                    });
                }
            }
        }
        """, Diagnostic("Task.Run", "pass '_lifetime.ApplicationStopping'"));

    // The look-alike above needs another object: a pump of this type that ignores the type's own token is still reported.
    [Fact]
    public Task PumpOfThisTypeThatIgnoresItsTypesToken() => Reports("""
        public sealed class Pump
        {
            private readonly CancellationTokenSource _stop = new();

            public void Start() => _ = {|#0:PumpAsync|}();

            public void Stop() => _stop.Cancel();

            private async Task PumpAsync()
            {
                while (true)
                {
                    await Task.Delay(10);
                }
            }
        }
        """, Diagnostic("PumpAsync", "'PumpAsync' accepts no token; give it one and pass '_stop.Token'"));
}
