using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.BND1005Verify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// BND1005's fix, one site at a time and through FixAll: one SemaphoreSlim per handler type, awaited before the start
/// and released when the work ends (<see cref="BND1005RuntimeTests"/> runs it in Kestrel).
/// </summary>
public class BND1005FixTests
{
    private const string Key = SpawnPerRequestCodeFixProvider.ThrottleKey;

    /// <summary>The helper the fix adds once per type for dropped async calls.</summary>
    private const string StartHelper = """
            private static Task StartBackgroundWork(Func<Task> start)
            {
                Task work;
                try
                {
                    work = start();
                }
                catch
                {
                    BackgroundWorkSlots.Release();
                    throw;
                }

                return ReleaseBackgroundWorkSlot(work);
            }

            private static async Task ReleaseBackgroundWorkSlot(Task work)
            {
                try
                {
                    await work;
                }
                finally
                {
                    BackgroundWorkSlots.Release();
                }
            }
        """;

    private static Task Fix(string source, string fixedSource, string? editorConfig = null) =>
        Verify.FixAsync<SpawnPerRequestAnalyzer, SpawnPerRequestCodeFixProvider>(Wrap(source), Wrap(fixedSource), Key, editorConfig);

    private static Task NoFix(string source) => Verify.NoFixAsync<SpawnPerRequestAnalyzer, SpawnPerRequestCodeFixProvider>(Wrap(source));

    /// <summary>The stopping token, never the action's request token: the work outlives the request.</summary>
    [Fact]
    public Task TaskRunInAnAsyncActionWaitsWithTheApplicationsStoppingToken() => Fix("""
        public sealed class OrdersController : ControllerBase
        {
            private readonly IEmailSender _email;
            private readonly IHostApplicationLifetime _lifetime;
            public OrdersController(IEmailSender email, IHostApplicationLifetime lifetime) { _email = email; _lifetime = lifetime; }

            public async Task<string> Place(Order order, CancellationToken cancellationToken)
            {
                await Task.Yield();
                _ = Task.{|BND1005:Run|}(() => _email.SendAsync(order.Customer, "Thanks for order " + order.Id));
                return "accepted";
            }
        }
        """, """
        public sealed class OrdersController : ControllerBase
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly IEmailSender _email;
            private readonly IHostApplicationLifetime _lifetime;
            public OrdersController(IEmailSender email, IHostApplicationLifetime lifetime) { _email = email; _lifetime = lifetime; }

            public async Task<string> Place(Order order, CancellationToken cancellationToken)
            {
                await Task.Yield();
                await BackgroundWorkSlots.WaitAsync(_lifetime.ApplicationStopping);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await _email.SendAsync(order.Customer, "Thanks for order " + order.Id);
                    }
                    finally
                    {
                        BackgroundWorkSlots.Release();
                    }
                });
                return "accepted";
            }
        }
        """);

    /// <summary>The call still runs on the request's thread; its task is released from when it ends.</summary>
    [Fact]
    public Task DroppedAsyncCallsOfTwoActionsShareOneThrottleAndOneHelper() => Fix("""
        public sealed class SignupController : ControllerBase
        {
            private readonly IEmailSender _email;
            public SignupController(IEmailSender email) => _email = email;

            public async Task<string> Register(string address, CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                _ = _email.{|BND1005:SendAsync|}(address, "Welcome");
                return "ok";
            }

            public async Task Unregister(string address)
            {
                await Task.Yield();
                // tell them
                _email.{|BND1005:SendAsync|}(address, "Bye");
            }
        }
        """, $$"""
        public sealed class SignupController : ControllerBase
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly IEmailSender _email;
            public SignupController(IEmailSender email) => _email = email;

            public async Task<string> Register(string address, CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                await BackgroundWorkSlots.WaitAsync();
                _ = StartBackgroundWork(() => _email.SendAsync(address, "Welcome"));
                return "ok";
            }

            public async Task Unregister(string address)
            {
                await Task.Yield();
                await BackgroundWorkSlots.WaitAsync();
                // tell them
                _ = StartBackgroundWork(() => _email.SendAsync(address, "Bye"));
            }

        {{StartHelper}}
        }
        """);

    /// <summary>A synchronous callback releases in its own finally.</summary>
    [Fact]
    public Task ThreadPoolItemInMiddlewareReleasesInItsCallback() => Fix("""
        public sealed class AuditMiddleware
        {
            private readonly RequestDelegate _next;
            private readonly IAuditLog _audit;
            public AuditMiddleware(RequestDelegate next, IAuditLog audit) { _next = next; _audit = audit; }

            public async Task InvokeAsync(HttpContext context)
            {
                ThreadPool.{|BND1005:QueueUserWorkItem|}(_ => _audit.Write("request"));
                await _next(context);
            }
        }
        """, """
        public sealed class AuditMiddleware
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly RequestDelegate _next;
            private readonly IAuditLog _audit;
            public AuditMiddleware(RequestDelegate next, IAuditLog audit) { _next = next; _audit = audit; }

            public async Task InvokeAsync(HttpContext context)
            {
                await BackgroundWorkSlots.WaitAsync();
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    try
                    {
                        _audit.Write("request");
                    }
                    finally
                    {
                        BackgroundWorkSlots.Release();
                    }
                });
                await _next(context);
            }
        }
        """);

    /// <summary>A thread per call: at most the limit exist at once.</summary>
    [Fact]
    public Task ThreadStartedInAHubMethodReleasesWhenTheThreadEnds() => Fix("""
        public sealed class UploadHub : Hub
        {
            private readonly IThumbnailer _thumbnailer;
            public UploadHub(IThumbnailer thumbnailer) => _thumbnailer = thumbnailer;

            public async Task Upload(string path)
            {
                await Task.Yield();
                new Thread(() => _thumbnailer.Render(path)).{|BND1005:Start|}();
            }
        }
        """, """
        public sealed class UploadHub : Hub
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly IThumbnailer _thumbnailer;
            public UploadHub(IThumbnailer thumbnailer) => _thumbnailer = thumbnailer;

            public async Task Upload(string path)
            {
                await Task.Yield();
                await BackgroundWorkSlots.WaitAsync();
                new Thread(() =>
                {
                    try
                    {
                        _thumbnailer.Render(path);
                    }
                    finally
                    {
                        BackgroundWorkSlots.Release();
                    }
                }).Start();
            }
        }
        """);

    /// <summary>bounded.max_background_work sets the constant.</summary>
    [Fact]
    public Task ADroppedValueTaskIsPassedOnAsATaskAndTheOptionSetsTheLimit() => Fix("""
        public sealed class PricesController : ControllerBase
        {
            private readonly IPriceCache _cache;
            public PricesController(IPriceCache cache) => _cache = cache;

            public async Task<string> Get(string sku)
            {
                await Task.Yield();
                _ = _cache.{|BND1005:RefreshAsync|}(sku);
                return sku;
            }
        }
        """, $$"""
        public sealed class PricesController : ControllerBase
        {
            private const int MaxBackgroundWork = 8;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly IPriceCache _cache;
            public PricesController(IPriceCache cache) => _cache = cache;

            public async Task<string> Get(string sku)
            {
                await Task.Yield();
                await BackgroundWorkSlots.WaitAsync();
                _ = StartBackgroundWork(() => _cache.RefreshAsync(sku).AsTask());
                return sku;
            }

        {{StartHelper}}
        }
        """, "bounded.max_background_work = 8");

    /// <summary>The handler lambda runs per request; the class that maps it holds the throttle.</summary>
    [Fact]
    public Task StartNewInAMinimalApiHandlerUsesAFieldOfTheClassThatMapsIt() => Fix("""
        public static class OrderEndpoints
        {
            public static void Map(WebApplication app, IOrderStore store)
            {
                app.MapPost("/orders", async (Order order) =>
                {
                    await Task.Yield();
                    Task.Factory.{|BND1005:StartNew|}(async () => await store.SaveAsync(order));
                    return "accepted";
                });
            }
        }
        """, """
        public static class OrderEndpoints
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            public static void Map(WebApplication app, IOrderStore store)
            {
                app.MapPost("/orders", async (Order order) =>
                {
                    await Task.Yield();
                    await BackgroundWorkSlots.WaitAsync();
                    Task.Factory.StartNew(async () =>
                    {
                        try
                        {
                            await store.SaveAsync(order);
                        }
                        finally
                        {
                            BackgroundWorkSlots.Release();
                        }
                    });
                    return "accepted";
                });
            }
        }
        """);

    /// <summary>A handler added after an earlier fix gets the same field and helper, not a second set.</summary>
    [Fact]
    public Task ALaterRunReusesTheThrottleAndHelperAnEarlierRunAdded() => Fix($$"""
        public sealed class NewsletterController : ControllerBase
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly IEmailSender _email;
            public NewsletterController(IEmailSender email) => _email = email;

            public async Task Subscribe(string address)
            {
                await Task.Yield();
                await BackgroundWorkSlots.WaitAsync();
                _ = StartBackgroundWork(() => _email.SendAsync(address, "Subscribed"));
            }

            public async Task Unsubscribe(string address)
            {
                await Task.Yield();
                _ = _email.{|BND1005:SendAsync|}(address, "Unsubscribed");
            }

        {{StartHelper}}
        }
        """, $$"""
        public sealed class NewsletterController : ControllerBase
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly IEmailSender _email;
            public NewsletterController(IEmailSender email) => _email = email;

            public async Task Subscribe(string address)
            {
                await Task.Yield();
                await BackgroundWorkSlots.WaitAsync();
                _ = StartBackgroundWork(() => _email.SendAsync(address, "Subscribed"));
            }

            public async Task Unsubscribe(string address)
            {
                await Task.Yield();
                await BackgroundWorkSlots.WaitAsync();
                _ = StartBackgroundWork(() => _email.SendAsync(address, "Unsubscribed"));
            }

        {{StartHelper}}
        }
        """);

    /// <summary>Awaiting needs an async handler; making a public action async changes its signature.</summary>
    [Fact]
    public Task ASynchronousActionCannotWaitForASlot() => NoFix("""
        public sealed class ReportsController : ControllerBase
        {
            private readonly IThumbnailer _thumbnailer;
            public ReportsController(IThumbnailer thumbnailer) => _thumbnailer = thumbnailer;

            public void Upload(string path)
            {
                Task.{|BND1005:Run|}(() => _thumbnailer.Render(path));
            }
        }
        """);

    /// <summary>The work is a method group: there is no lambda to put the release in.</summary>
    [Fact]
    public Task AMethodGroupHasNoBodyToReleaseIn() => NoFix("""
        public sealed class ExportController : ControllerBase
        {
            public async Task Export()
            {
                await Task.Yield();
                _ = Task.{|BND1005:Run|}(Render);
            }

            private static void Render() { }
        }
        """);

    /// <summary>The statement wraps the call (ConfigureAwait): the helper would change what is discarded.</summary>
    [Fact]
    public Task AConfiguredAwaitableIsMoreThanTheCall() => NoFix("""
        public sealed class WelcomeController : ControllerBase
        {
            private readonly IEmailSender _email;
            public WelcomeController(IEmailSender email) => _email = email;

            public async Task Welcome(string address)
            {
                await Task.Yield();
                _ = _email.{|BND1005:SendAsync|}(address, "Hi").ConfigureAwait(false);
            }
        }
        """);

    /// <summary>A comment after the lambda's arrow stays on its line.</summary>
    [Fact]
    public Task ACommentAfterTheArrowIsKept() => Fix("""
        public sealed class ThanksController : ControllerBase
        {
            private readonly IAuditLog _audit;
            public ThanksController(IAuditLog audit) => _audit = audit;

            public async Task Thank(string name)
            {
                await Task.Yield();
                _ = Task.{|BND1005:Run|}(() => // audit later
                {
                    _audit.Write(name);
                });
            }
        }
        """, """
        public sealed class ThanksController : ControllerBase
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly IAuditLog _audit;
            public ThanksController(IAuditLog audit) => _audit = audit;

            public async Task Thank(string name)
            {
                await Task.Yield();
                await BackgroundWorkSlots.WaitAsync();
                _ = Task.Run(() => // audit later
                {
                    try
                    {
                        _audit.Write(name);
                    }
                    finally
                    {
                        BackgroundWorkSlots.Release();
                    }
                });
            }
        }
        """);

    /// <summary>Per connection: the accept loop waits for a slot with the service's stopping token before it hands the connection over.</summary>
    [Fact]
    public Task AnAcceptLoopWaitsForASlotWithTheServicesStoppingToken() => Fix($$"""
        public sealed class EchoServer : BackgroundService
        {
            private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 7000);

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(stoppingToken);
                    _ = {|BND1005:EchoAsync|}(client);
                }
            }

            private static async Task EchoAsync(System.Net.Sockets.TcpClient client)
            {
                using var stream = client.GetStream();
                await stream.CopyToAsync(stream);
            }
        }
        """, $$"""
        public sealed class EchoServer : BackgroundService
        {
            private const int MaxBackgroundWork = 32;
            private static readonly SemaphoreSlim BackgroundWorkSlots = new SemaphoreSlim(MaxBackgroundWork);

            private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 7000);

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(stoppingToken);
                    await BackgroundWorkSlots.WaitAsync(stoppingToken);
                    _ = StartBackgroundWork(() => EchoAsync(client));
                }
            }

            private static async Task EchoAsync(System.Net.Sockets.TcpClient client)
            {
                using var stream = client.GetStream();
                await stream.CopyToAsync(stream);
            }

        {{StartHelper}}
        }
        """);
}
