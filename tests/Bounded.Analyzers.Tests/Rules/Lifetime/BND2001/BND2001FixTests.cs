using System.Threading.Tasks;
using Bounded.Analyzers;
using Bounded.Analyzers.Lifetime;
using Bounded.CodeFixes.Lifetime;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

public class BND2001FixTests
{
    private static Task Fix(string source, string fixedSource, string key = DetachedTaskCodeFixProvider.PassTokenKey) =>
        Verify.FixAsync<DetachedTaskAnalyzer, DetachedTaskCodeFixProvider>(LifetimeSources.Wrap(source), LifetimeSources.Wrap(fixedSource), key);

    /// <summary>The fix where the user opted in to reporting short work whose design has no token.</summary>
    private static Task FixTokenless(string source, string fixedSource, string key = DetachedTaskCodeFixProvider.PassTokenKey) =>
        Verify.FixAsync<DetachedTaskAnalyzer, DetachedTaskCodeFixProvider>(LifetimeSources.Wrap(source), LifetimeSources.Wrap(fixedSource), key, BND2001Verify.TokenlessOn);

    private static Task NoFixTokenless(string source) =>
        Verify.NoFixAsync<DetachedTaskAnalyzer, DetachedTaskCodeFixProvider>(LifetimeSources.Wrap(source), editorConfig: BND2001Verify.TokenlessOn);

    /// <summary>In request code the application's stopping token, never the request's (HttpContext.RequestAborted, the action's token).</summary>
    [Fact]
    public Task TaskRunGetsTokenAndSoDoesTheCallInside() => Fix("""
        public class OrdersController : ControllerBase
        {
            private readonly IEmailSender _email = null!;
            private readonly IHostApplicationLifetime _lifetime = null!;

            public string Confirm(string to, CancellationToken cancellationToken)
            {
                _ = {|BND2001:Task.Run|}(() => _email.SendAsync(to, "confirmed"));
                return "ok";
            }
        }
        """, """
        public class OrdersController : ControllerBase
        {
            private readonly IEmailSender _email = null!;
            private readonly IHostApplicationLifetime _lifetime = null!;

            public string Confirm(string to, CancellationToken cancellationToken)
            {
                _ = Task.Run(() => _email.SendAsync(to, "confirmed", _lifetime.ApplicationStopping), _lifetime.ApplicationStopping);
                return "ok";
            }
        }
        """);

    [Fact]
    public Task AsyncLambdaCallsUseOverloads() => Fix("""
        public class Worker : BackgroundService
        {
            private readonly HttpClient _http = new();

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _ = {|BND2001:Task.Run|}(async () =>
                {
                    var page = await _http.GetStringAsync("https://example.org");
                    await File.WriteAllTextAsync("page.html", page);
                });
                return Task.CompletedTask;
            }
        }
        """, """
        public class Worker : BackgroundService
        {
            private readonly HttpClient _http = new();

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _ = Task.Run(async () =>
                {
                    var page = await _http.GetStringAsync("https://example.org", stoppingToken);
                    await File.WriteAllTextAsync("page.html", page, stoppingToken);
                }, stoppingToken);
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task DiscardedCallGetsTheToken() => Fix("""
        public class OrderHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;

            public Task HandleAsync(Order message, CancellationToken cancellationToken)
            {
                _ = _store.{|BND2001:SaveAsync|}(message);
                return Task.CompletedTask;
            }
        }
        """, """
        public class OrderHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;

            public Task HandleAsync(Order message, CancellationToken cancellationToken)
            {
                _ = _store.SaveAsync(message, cancellationToken);
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task CallObservedThroughAnExtensionGetsTheToken() => Fix("""
        public static class TaskObservation
        {
            public static Task ObserveErrors(this Task task) => task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        public class OrderHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;

            public Task HandleAsync(Order message, CancellationToken cancellationToken)
            {
                _ = _store.{|BND2001:SaveAsync|}(message).ObserveErrors();
                return Task.CompletedTask;
            }
        }
        """, """
        public static class TaskObservation
        {
            public static Task ObserveErrors(this Task task) => task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        public class OrderHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;

            public Task HandleAsync(Order message, CancellationToken cancellationToken)
            {
                _ = _store.SaveAsync(message, cancellationToken).ObserveErrors();
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task NamedArgumentsGetANamedToken() => Fix("""
        public class Mailer
        {
            private readonly IEmailSender _email = null!;

            public void Send(CancellationToken cancellationToken)
            {
                _ = _email.{|BND2001:SendAsync|}(body: "hi", to: "a@b.c");
            }
        }
        """, """
        public class Mailer
        {
            private readonly IEmailSender _email = null!;

            public void Send(CancellationToken cancellationToken)
            {
                _ = _email.SendAsync(body: "hi", to: "a@b.c", cancellationToken: cancellationToken);
            }
        }
        """);

    [Fact]
    public Task DeadTokenArgumentIsReplaced() => FixTokenless("""
        public class Sync
        {
            private readonly IOrderStore _store = null!;

            public void Save(Order order, CancellationToken cancellationToken)
            {
                _ = _store.{|BND2001:SaveAsync|}(order, default);
                _ = {|BND2001:Task.Run|}(() => Thread.Sleep(100), default);
            }
        }
        """, """
        public class Sync
        {
            private readonly IOrderStore _store = null!;

            public void Save(Order order, CancellationToken cancellationToken)
            {
                _ = _store.SaveAsync(order, cancellationToken);
                _ = Task.Run(() => Thread.Sleep(100), cancellationToken);
            }
        }
        """);

    [Fact]
    public Task FixAllOverSeveralSitesAndStartForms() => FixTokenless("""
        public class Jobs
        {
            private readonly IOrderStore _store = null!;
            private Task PollAsync() => Task.Delay(10);

            public void Kick(Order order, string path, CancellationToken cancellationToken)
            {
                _ = {|BND2001:Task.Run|}(PollAsync);
                {|BND2001:Task.Factory.StartNew|}(() => File.Delete(path));
                new Task(() => File.Delete(path)).{|BND2001:Start|}();
                _ = {|BND2001:Task.Delay|}(1000);
                _ = _store.{|BND2001:FindAsync|}(order.Id).ConfigureAwait(false);
            }
        }
        """, """
        public class Jobs
        {
            private readonly IOrderStore _store = null!;
            private Task PollAsync() => Task.Delay(10);

            public void Kick(Order order, string path, CancellationToken cancellationToken)
            {
                _ = Task.Run(PollAsync, cancellationToken);
                Task.Factory.StartNew(() => File.Delete(path), cancellationToken);
                new Task(() => File.Delete(path), cancellationToken).Start();
                _ = Task.Delay(1000, cancellationToken);
                _ = _store.FindAsync(order.Id, cancellationToken).ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task MemberOneDeepAndExpressionBody() => Fix("""
        public sealed class Pump : IDisposable
        {
            private readonly CancellationTokenSource _shutdown = new();
            private readonly IQueueClient _queue = null!;

            public void Kick() => _ = _queue.{|BND2001:ReceiveAsync|}();

            public void Dispose() => _shutdown.Dispose();
        }
        """, """
        public sealed class Pump : IDisposable
        {
            private readonly CancellationTokenSource _shutdown = new();
            private readonly IQueueClient _queue = null!;

            public void Kick() => _ = _queue.ReceiveAsync(_shutdown.Token);

            public void Dispose() => _shutdown.Dispose();
        }
        """);

    [Fact]
    public Task DiscardInsideAnExpressionLambda() => Fix("""
        public class Bulk
        {
            private readonly IOrderStore _store = null!;

            public void SaveAll(List<Order> orders, CancellationToken cancellationToken)
            {
                orders.ForEach(order => _ = _store.{|BND2001:SaveAsync|}(order));
            }
        }
        """, """
        public class Bulk
        {
            private readonly IOrderStore _store = null!;

            public void SaveAll(List<Order> orders, CancellationToken cancellationToken)
            {
                orders.ForEach(order => _ = _store.SaveAsync(order, cancellationToken));
            }
        }
        """);

    [Fact]
    public Task SeveralCandidatesEachGetAKey() => Fix("""
        public class Linker
        {
            private readonly IOrderStore _store = null!;

            public void Save(Order order, CancellationToken requestAborted, CancellationToken shutdown)
            {
                _ = _store.{|BND2001:SaveAsync|}(order);
            }
        }
        """, """
        public class Linker
        {
            private readonly IOrderStore _store = null!;

            public void Save(Order order, CancellationToken requestAborted, CancellationToken shutdown)
            {
                _ = _store.SaveAsync(order, shutdown);
            }
        }
        """, DetachedTaskCodeFixProvider.PassTokenKey + ".shutdown");

    /// <summary>A signature change: offered one at a time, never applied by FixAll.</summary>
    private static Task FixOnlySingly(string source, string fixedSource)
    {
        var test = new FixTest<DetachedTaskAnalyzer, DetachedTaskCodeFixProvider>
        {
            TestCode = LifetimeSources.Wrap(source),
            FixedCode = LifetimeSources.Wrap(fixedSource),
            CodeActionEquivalenceKey = DetachedTaskCodeFixProvider.AddParameterKey,
            CodeFixTestBehaviors = Microsoft.CodeAnalysis.Testing.CodeFixTestBehaviors.SkipFixAllCheck,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + BND2001Verify.TokenlessOn));
        test.FixedState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\n" + BND2001Verify.TokenlessOn));
        var expected = new Microsoft.CodeAnalysis.Testing.DiagnosticResult(RuleIds.DetachedTaskWithoutToken, Microsoft.CodeAnalysis.DiagnosticSeverity.Info)
            .WithLocation(0).WithArguments("SendAsync", "no token is in scope to stop it");
        test.ExpectedDiagnostics.Add(expected);
        return test.RunAsync();
    }

    /// <summary>
    /// No parameter is added in request code: the framework would bind it to the request's token, which ends with the
    /// response. Without an application stopping token in the type there is no safe fix.
    /// </summary>
    [Fact]
    public Task NoParameterIsAddedToARequestHandler() =>
        Verify.NoFixAsync<DetachedTaskAnalyzer, DetachedTaskCodeFixProvider>(LifetimeSources.Wrap("""
        public class FeedController : ControllerBase
        {
            private readonly IOrderStore _store = null!;

            [HttpGet]
            public string Watch(int id)
            {
                _ = {|BND2001:Task.Run|}(async () =>
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
        """));

    [Fact]
    public Task NoTokenInScopeAddsAParameter() => FixOnlySingly("""
        public class Notifier
        {
            private readonly IEmailSender _email = null!;

            public void Notify(string to)
            {
                _ = _email.{|#0:SendAsync|}(to, "hello");
            }

            public void Caller() => Notify("x");
        }
        """, """
        public class Notifier
        {
            private readonly IEmailSender _email = null!;

            public void Notify(string to, CancellationToken cancellationToken = default)
            {
                _ = _email.SendAsync(to, "hello", cancellationToken);
            }

            public void Caller() => Notify("x");
        }
        """);

    [Fact]
    public Task NoParameterOnInterfaceImplementation() => NoFixTokenless("""
        public sealed class Owner : IDisposable
        {
            private readonly Stream _stream = Stream.Null;

            public void Dispose()
            {
                _ = _stream.{|BND2001:FlushAsync|}();
            }
        }
        """);

    [Fact]
    public Task NoParameterOnEventHandlerOrMethodGroup() => NoFixTokenless("""
        public class Screen
        {
            private readonly IEmailSender _email = null!;
            public event EventHandler? Clicked;

            public void Wire() => Clicked += Notify;

            private void OnClick(object? sender, EventArgs e)
            {
                _ = _email.{|BND2001:SendAsync|}("a", "b");
            }

            private void Notify(object? sender, EventArgs e) => OnClick(sender, e);

            private void Later()
            {
                Action a = Send;
            }

            private void Send() => _ = _email.{|BND2001:SendAsync|}("c", "d");
        }
        """);

    [Fact]
    public Task NoParameterOnVirtualMethod() => NoFixTokenless("""
        public class Notifier
        {
            private readonly IEmailSender _email = null!;

            public virtual void Notify(string to)
            {
                _ = _email.{|BND2001:SendAsync|}(to, "hello");
            }
        }
        """);

    [Fact]
    public Task NoFixWhenCalleeTakesNoToken() => NoFixTokenless("""
        public class Audit
        {
            private async Task WriteAuditAsync(string entry) => await File.AppendAllTextAsync("audit.log", entry);

            public void Record(string entry, CancellationToken cancellationToken)
            {
                _ = {|BND2001:WriteAuditAsync|}(entry);
            }
        }
        """);
}
