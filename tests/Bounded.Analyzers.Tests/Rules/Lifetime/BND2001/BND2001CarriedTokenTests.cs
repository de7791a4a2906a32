using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Bounded.CodeFixes.Lifetime;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Lifetime.BND2001Verify;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>
/// Tokens a parameter carries (<c>context.CancellationToken</c> of the context objects that message-bus, job and actor
/// frameworks pass): token discovery finds them one member deep, so the site is reported with the token it really has.
/// </summary>
public class BND2001CarriedTokenTests
{
    private const string Contexts = """

        public interface IConsumeContext<out T>
        {
            T Message { get; }
            CancellationToken CancellationToken { get; }
        }
        public sealed class JobContext
        {
            public string JobId { get; init; } = "";
            public CancellationToken Cancellation { get; init; }
        }
        public sealed record ImportRequest(string Url, CancellationToken CancellationToken);
        public readonly struct WorkItem
        {
            public readonly int Id;
            public readonly CancellationToken Token;
            public WorkItem(int id, CancellationToken token) { Id = id; Token = token; }
        }
        public interface IMessageBus { void Subscribe<T>(Func<IConsumeContext<T>, Task> handler); }
        """;

    private static Task ReportsCarried(string code, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected) => Reports(code + Contexts, expected);

    private static Task CleanCarried(string code) => Clean(code + Contexts);

    [Fact]
    public Task ConsumerDropsASaveWhileTheMessageContextCarriesAToken() => ReportsCarried("""
        public class OrderPlacedConsumer
        {
            private readonly IOrderStore _store = null!;

            public Task Consume(IConsumeContext<Order> context)
            {
                _ = _store.{|#0:SaveAsync|}(context.Message);
                return Task.CompletedTask;
            }
        }
        """, Diagnostic("SaveAsync", "pass 'context.CancellationToken'"));

    [Fact]
    public Task JobStartsTaskRunWhileItsContextCarriesAToken() => ReportsCarried("""
        public class ReportJob
        {
            private readonly HttpClient _http = new();

            public void Execute(JobContext job)
            {
                _ = {|#0:Task.Run|}(() => _http.GetStringAsync("https://reports.example.org/" + job.JobId));
            }
        }
        """, Diagnostic("Task.Run", "pass 'job.Cancellation'"));

    [Fact]
    public Task RequestRecordCarriesTheToken() => ReportsCarried("""
        public class Importer
        {
            private readonly HttpClient _http = new();

            public void Import(ImportRequest request)
            {
                _ = {|#0:Task.Run|}(async () =>
                {
                    var body = await _http.GetStringAsync(request.Url);
                    await File.WriteAllTextAsync("import.json", body);
                });
            }
        }
        """, Diagnostic("Task.Run", "pass 'request.CancellationToken'"));

    [Fact]
    public Task SubscribedLambdaDropsASendWhileItsContextCarriesAToken() => ReportsCarried("""
        public class Notifications
        {
            private readonly IEmailSender _email = null!;

            public void Register(IMessageBus bus)
            {
                bus.Subscribe<Order>(context =>
                {
                    _ = _email.{|#0:SendAsync|}(context.Message.Customer, "Thanks for order " + context.Message.Id);
                    return Task.CompletedTask;
                });
            }
        }
        """, Diagnostic("SendAsync", "pass 'context.CancellationToken'"));

    [Fact]
    public Task StructFieldCarriesTheToken() => ReportsCarried("""
        public class Processor
        {
            private readonly IOrderStore _store = null!;

            public void Process(WorkItem item)
            {
                _ = _store.{|#0:FindAsync|}(item.Id);
            }
        }
        """, Diagnostic("FindAsync", "pass 'item.Token'"));

    [Fact]
    public Task LocalFunctionReachesTheEnclosingMethodsContext() => ReportsCarried("""
        public class AuditConsumer
        {
            private readonly IOrderStore _store = null!;

            public Task Consume(IConsumeContext<Order> context)
            {
                Archive();
                return Task.CompletedTask;

                void Archive() => _ = _store.{|#0:SaveAsync|}(context.Message with { Total = 0 });
            }
        }
        """, Diagnostic("SaveAsync", "pass 'context.CancellationToken'"));

    /// <summary>Of the host lifetime a parameter carries, only the stop signal: ApplicationStarted and ApplicationStopped are ended phases.</summary>
    [Fact]
    public Task HostLifetimeParameterCarriesOnlyTheStopSignal() => ReportsCarried("""
        public class StartupNotice
        {
            private readonly IEmailSender _email = null!;

            public void OnStarted(IHostApplicationLifetime lifetime)
            {
                _ = _email.{|#0:SendAsync|}("ops@example.org", "started");
            }
        }
        """, Diagnostic("SendAsync", "pass 'lifetime.ApplicationStopping'"));

    /// <summary>A token parameter of the function itself ranks first; the carried one is not offered beside it.</summary>
    [Fact]
    public Task ATokenParameterRanksBeforeACarriedToken() => ReportsCarried("""
        public class Dispatcher
        {
            private readonly IOrderStore _store = null!;

            public Task DispatchAsync(IConsumeContext<Order> context, CancellationToken cancellationToken)
            {
                _ = _store.{|#0:SaveAsync|}(context.Message);
                return Task.CompletedTask;
            }
        }
        """, Diagnostic("SaveAsync", "pass 'cancellationToken'"));

    /// <summary>Work that outlives the call is not given the token the call's parameter carries (wrong lifetime).</summary>
    [Fact]
    public Task SessionPumpIsNotOfferedTheConnectCallsCarriedToken() => ReportsCarried("""
        public class Session
        {
            private readonly IQueueClient _queue = null!;

            public async Task ConnectAsync(ImportRequest request)
            {
                await Task.Yield();
                _ = {|#0:Task.Run|}(async () =>
                {
                    while (true)
                    {
                        var message = await _queue.ReceiveAsync();
                        if (message is not null) await _queue.CompleteAsync(message);
                    }
                });
            }
        }
        """, Diagnostic("Task.Run", "no token is in scope to stop it"));

    /// <summary>An exception's token reports a cancellation that already happened; it stops nothing.</summary>
    [Fact]
    public Task AnExceptionsTokenIsNotCarried() => CleanCarried("""
        public class CancellationAudit
        {
            private readonly IOrderStore _store = null!;

            public void OnCancelled(Order order, OperationCanceledException error)
            {
                _ = _store.SaveAsync(order with { Customer = error.Message });
            }
        }
        """);

    /// <summary>A private or static token of the parameter's type is not the caller's to hand over.</summary>
    [Fact]
    public Task InaccessibleAndStaticTokensAreNotCarried() => CleanCarried("""
        public class Archiver
        {
            private readonly IOrderStore _store = null!;

            public void Archive(TokenHolder holder, Order order)
            {
                _ = _store.SaveAsync(order);
            }
        }

        public sealed class TokenHolder
        {
            private CancellationToken Internal { get; init; }
            public static CancellationToken Shared => CancellationToken.None;
        }
        """);

    /// <summary>The request's token, carried by the HttpContext parameter of a minimal API handler, dies with the response.</summary>
    [Fact]
    public Task TheRequestsContextIsNotACarrierForDetachedWork() => CleanCarried("""
        public static class Endpoints
        {
            public static void Map(WebApplication app, IEmailSender email)
            {
                app.MapPost("/orders", (HttpContext http) =>
                {
                    _ = email.SendAsync("ops@example.org", "order placed");
                    return "ok";
                });
            }
        }
        """);

    /// <summary>A controller action's parameter carries the request's lifetime: detached work there is not given it.</summary>
    [Fact]
    public Task ACarriedTokenInRequestCodeIsNotOffered() => CleanCarried("""
        public class ReportsController : ControllerBase
        {
            private readonly IEmailSender _email = null!;

            [HttpGet]
            public string Run(JobContext job)
            {
                _ = _email.SendAsync("ops@example.org", "report " + job.JobId);
                return "queued";
            }
        }
        """);

    /// <summary>Work that already reads the carried token is stoppable.</summary>
    [Fact]
    public Task WorkThatReadsTheCarriedTokenIsClean() => CleanCarried("""
        public class ReportJob
        {
            private readonly HttpClient _http = new();

            public void Execute(JobContext job)
            {
                _ = Task.Run(() => _http.GetStringAsync("https://reports.example.org/" + job.JobId, job.Cancellation));
            }
        }
        """);

    /// <summary>A parameter of a plain data type with no token gives nothing to pass: short work stays unreported.</summary>
    [Fact]
    public Task AParameterWithoutATokenCarriesNothing() => CleanCarried("""
        public class Mailer
        {
            private readonly IEmailSender _email = null!;

            public void Welcome(Order order, string to)
            {
                _ = _email.SendAsync(to, "Welcome, " + order.Customer);
            }
        }
        """);

    [Fact]
    public Task FixPassesTheCarriedToken() => Verify.FixAsync<DetachedTaskAnalyzer, DetachedTaskCodeFixProvider>(
        LifetimeSources.Wrap("""
            public class OrderPlacedConsumer
            {
                private readonly IOrderStore _store = null!;
                private readonly IEmailSender _email = null!;

                public Task Consume(IConsumeContext<Order> context)
                {
                    _ = _store.{|BND2001:SaveAsync|}(context.Message);
                    _ = {|BND2001:Task.Run|}(() => _email.SendAsync(context.Message.Customer, "placed"));
                    return Task.CompletedTask;
                }
            }
            """ + Contexts),
        LifetimeSources.Wrap("""
            public class OrderPlacedConsumer
            {
                private readonly IOrderStore _store = null!;
                private readonly IEmailSender _email = null!;

                public Task Consume(IConsumeContext<Order> context)
                {
                    _ = _store.SaveAsync(context.Message, context.CancellationToken);
                    _ = Task.Run(() => _email.SendAsync(context.Message.Customer, "placed", context.CancellationToken), context.CancellationToken);
                    return Task.CompletedTask;
                }
            }
            """ + Contexts),
        DetachedTaskCodeFixProvider.PassTokenKey);
}
