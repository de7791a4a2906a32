using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.BND1005Verify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>BND1005: request code whose work is awaited, bounded or not per request; and work outside request code.</summary>
public class BND1005DoesNotReportTests
{
    private const string Controller = """
        public sealed class OrdersController : ControllerBase
        {
            private static readonly SemaphoreSlim Gate = new SemaphoreSlim(8);
            private static int _refreshing;
            private readonly IEmailSender _email;
            private readonly IAuditLog _audit;
            private readonly Channel<Order> _queue = Channel.CreateBounded<Order>(100);
            private Task? _pending;
            public OrdersController(IEmailSender email, IAuditLog audit) { _email = email; _audit = audit; }

        MEMBERS
        }
        """;

    private static Task CleanAction(string members) => Clean(Controller.Replace("MEMBERS", members));

    [Fact]
    public Task AwaitedOffload() => CleanAction("""
            public async Task<string> Place(Order order)
            {
                await Task.Run(() => _email.SendAsync(order.Customer, "Thanks"));
                return "done";
            }
        """);

    [Fact]
    public Task ReturnedTask() => CleanAction("""
            public Task Place(Order order) => Task.Run(() => _email.SendAsync(order.Customer, "Thanks"));
        """);

    [Fact]
    public Task TaskKeptAndAwaitedLater() => CleanAction("""
            public async Task<string> Place(Order order)
            {
                var sending = Task.Run(() => _email.SendAsync(order.Customer, "Thanks"));
                _audit.Write("placed");
                await sending;
                return "done";
            }
        """);

    [Fact]
    public Task TaskStoredForSomeoneElseToObserve() => CleanAction("""
            public void Place(Order order)
            {
                _pending = Task.Run(() => _email.SendAsync(order.Customer, "Thanks"));
            }
        """);

    [Fact]
    public Task SharedSemaphoreTakenBeforeTheStart() => CleanAction("""
            public async Task<string> Place(Order order)
            {
                await Gate.WaitAsync();
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await _email.SendAsync(order.Customer, "Thanks");
                    }
                    finally
                    {
                        Gate.Release();
                    }
                });
                return "accepted";
            }
        """);

    [Fact]
    public Task TryAcquireShedsLoad() => CleanAction("""
            public string Place(Order order)
            {
                if (!Gate.Wait(0))
                {
                    return "busy";
                }

                _ = Task.Run(async () =>
                {
                    try
                    {
                        await _email.SendAsync(order.Customer, "Thanks");
                    }
                    finally
                    {
                        Gate.Release();
                    }
                });
                return "accepted";
            }
        """);

    [Fact]
    public Task GateInsideTheWork() => CleanAction("""
            public void Place(Order order)
            {
                _ = Task.Run(async () =>
                {
                    await Gate.WaitAsync();
                    try
                    {
                        await _email.SendAsync(order.Customer, "Thanks");
                    }
                    finally
                    {
                        Gate.Release();
                    }
                });
            }
        """);

    [Fact]
    public Task HandOffToABoundedQueue() => CleanAction("""
            public async Task<string> Place(Order order, CancellationToken cancellationToken)
            {
                await _queue.Writer.WriteAsync(order, cancellationToken);
                return "queued";
            }
        """);

    [Fact]
    public Task SingleFlightRefresh() => CleanAction("""
            public string Refresh()
            {
                if (Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
                {
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await _audit.WriteAsync("refreshed");
                        }
                        finally
                        {
                            Volatile.Write(ref _refreshing, 0);
                        }
                    });
                }

                return "ok";
            }
        """);

    [Fact]
    public Task LoopInTheActionIsBnd1001s() => CleanAction("""
            public void NotifyAll(List<Order> orders)
            {
                foreach (var order in orders)
                {
                    _ = Task.Run(() => _email.SendAsync(order.Customer, "Update"));
                }
            }
        """);

    [Fact]
    public Task ContinuationOfTheRequestsOwnWork() => CleanAction("""
            public async Task Place(Order order)
            {
                var saving = _email.SendAsync(order.Customer, "Thanks");
                saving.ContinueWith(t => _audit.Write("sent"));
                await saving;
            }
        """);

    [Fact]
    public Task StaticHelperOfAController() => CleanAction("""
            public static void Warm(IAuditLog audit)
            {
                _ = Task.Run(() => audit.WriteAsync("warm"));
            }
        """);

    [Fact]
    public Task ControllerConstructorIsNotAnAction() => Clean("""
        public sealed class WarmController : ControllerBase
        {
            public WarmController(IAuditLog audit)
            {
                _ = Task.Run(() => audit.WriteAsync("created"));
            }
        }
        """);

    [Fact]
    public Task ServiceClassWithoutRequestTypes() => Clean("""
        public sealed class Notifier
        {
            private readonly IEmailSender _email;
            public Notifier(IEmailSender email) => _email = email;

            public void Notify(Order order)
            {
                _ = Task.Run(() => _email.SendAsync(order.Customer, "Shipped"));
            }
        }
        """);

    [Fact]
    public Task StartupCodeOutsideTheEndpoint() => Clean("""
        public static class Startup
        {
            public static void Configure(WebApplication app, IAuditLog audit)
            {
                _ = Task.Run(() => audit.WriteAsync("starting"));
                app.MapPost("/ping", () => Results.Ok());
            }
        }
        """);

    [Fact]
    public Task HostedServiceStartsItsPumpOnce() => Clean("""
        public sealed class Pump : BackgroundService
        {
            private readonly IAuditLog _audit;
            public Pump(IAuditLog audit) => _audit = audit;

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _ = Task.Run(() => _audit.WriteAsync("pump started"));
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task WorkAwaitedThroughWhenAll() => CleanAction("""
            public async Task Place(Order order)
            {
                var mail = Task.Run(() => _email.SendAsync(order.Customer, "Thanks"));
                var audit = Task.Run(() => _audit.WriteAsync("placed"));
                await Task.WhenAll(mail, audit);
            }
        """);

    [Fact]
    public Task HalfTypedCodeDoesNotThrow() => Verify.AnalyzersAsync(new Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer[] { new SpawnPerRequestAnalyzer() }, Wrap("""
        public sealed class BrokenController : ControllerBase
        {
            public void Place(Order order)
            {
                _ = Task.Run(() => Missing(order)
            }
        }
        """), null, ignoreCompilerDiagnostics: true);

    [Fact]
    public Task ClassWithAnUnrelatedAttribute() => Clean("""
        [Serializable]
        public sealed class InvoicesService
        {
            private readonly IEmailSender _email;
            public InvoicesService(IEmailSender email) => _email = email;

            public void Send(Order order)
            {
                _ = _email.SendAsync(order.Customer, "Invoice " + order.Id);
            }
        }
        """);

    [Fact]
    public Task UseLambdaAwaitsTheWork() => Clean("""
        public static class Pipeline
        {
            public static void Configure(IApplicationBuilder app, IAuditLog audit)
            {
                app.Use(async (context, next) =>
                {
                    await Task.Run(() => audit.WriteAsync("hit"));
                    await next();
                });
            }
        }
        """);

    [Fact]
    public Task HubMethodReturnsTheWork() => Clean("""
        public sealed class ChatHub : Hub
        {
            private readonly IAuditLog _audit;
            public ChatHub(IAuditLog audit) => _audit = audit;

            public Task Send(string message) => Task.Run(() => _audit.WriteAsync(message));
        }
        """);

    [Fact]
    public Task GrpcMethodAwaitsTheWork() => Clean("""
        public sealed class Greeter
        {
            private readonly IAuditLog _audit;
            public Greeter(IAuditLog audit) => _audit = audit;

            public async Task<string> SayHello(string name, ServerCallContext context)
            {
                await _audit.WriteAsync("greeted " + name);
                return "Hello " + name;
            }
        }
        """);

    /// <summary>An already-completed task starts no work: nothing is left behind.</summary>
    [Fact]
    public Task DiscardedCompletedTask() => CleanAction("""
            public string Place(Order order)
            {
                _ = Task.FromResult(order.Id);
                return "done";
            }
        """);

    [Fact]
    public Task SemaphoreWithTimeoutShedsLoad() => CleanAction("""
            public async Task<string> Place(Order order)
            {
                if (!await Gate.WaitAsync(TimeSpan.FromMilliseconds(50)))
                {
                    return "busy";
                }

                _ = Task.Run(async () =>
                {
                    try
                    {
                        await _email.SendAsync(order.Customer, "Thanks");
                    }
                    finally
                    {
                        Gate.Release();
                    }
                });
                return "accepted";
            }
        """);

    [Fact]
    public Task PerItemStartInAnActionIsBnd1001s() => CleanAction("""
            public void NotifyAll(List<Order> orders)
            {
                orders.ForEach(order => Task.Run(() => _email.SendAsync(order.Customer, "Update")));
            }
        """);

    [Fact]
    public Task AMethodGroupPassedToSomethingOtherThanAMapping() => Clean("""
        public static class Reports
        {
            public static void Run(List<Order> orders, IEmailSender email)
            {
                orders.ForEach(order => Notify(order, email));
            }

            private static void Notify(Order order, IEmailSender email)
            {
                _ = email.SendAsync(order.Customer, "Report");
            }
        }
        """);

    [Fact]
    public Task AnEventSubscribedByAPlainClassIsNotPerMessage() => Clean("""
        public sealed class Dashboard
        {
            private readonly IAuditLog _audit;
            public Dashboard(IMessageConsumer consumer, IAuditLog audit)
            {
                _audit = audit;
                consumer.Received += (sender, message) => { _ = Task.Run(() => _audit.WriteAsync(message.Id)); };
            }
        }
        """);

    [Fact]
    public Task AHostedServicesPerMessageWorkThatIsAwaited() => Clean("""
        public sealed class OrderListener : BackgroundService
        {
            private readonly IMessageConsumer _consumer;
            private readonly IAuditLog _audit;
            public OrderListener(IMessageConsumer consumer, IAuditLog audit) { _consumer = consumer; _audit = audit; }

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _consumer.Received += async (_, message) => await _audit.WriteAsync(message.Id);
                _consumer.Start();
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task AConsumerInterfaceTheOptionDoesNotName() => Clean("""
        public sealed class OrderPlacedConsumer : IConsumer<Order>
        {
            private readonly IEmailSender _email;
            public OrderPlacedConsumer(IEmailSender email) => _email = email;

            public Task Consume(Order order)
            {
                _ = _email.SendAsync(order.Customer, "Thanks");
                return Task.CompletedTask;
            }
        }
        """, "bounded.request_handler_types = IHandleMessages");

    [Fact]
    public Task AHostedServicesStartupWorkIsNotPerMessage() => Clean("""
        public sealed class CacheWarmer : BackgroundService
        {
            private readonly IPriceCache _cache;
            public CacheWarmer(IPriceCache cache) => _cache = cache;

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _ = Task.Run(() => _cache.RefreshAsync("all").AsTask());
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task AnAcceptLoopThatAwaitsEachConnection() => Clean("""
        public sealed class SerialServer : BackgroundService
        {
            private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 7001);

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _listener.Start();
                while (!stoppingToken.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(stoppingToken);
                    await HandleAsync(client, stoppingToken);
                }
            }

            private static Task HandleAsync(System.Net.Sockets.TcpClient client, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """);

    [Fact]
    public Task AnAcceptLoopGatedByASemaphore() => Clean("""
        public sealed class GatedServer : BackgroundService
        {
            private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 7002);
            private readonly SemaphoreSlim _connections = new(100);

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _listener.Start();
                while (!stoppingToken.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(stoppingToken);
                    await _connections.WaitAsync(stoppingToken);
                    _ = HandleAsync(client);
                }
            }

            private async Task HandleAsync(System.Net.Sockets.TcpClient client)
            {
                try
                {
                    await Task.Delay(10);
                }
                finally
                {
                    client.Dispose();
                    _connections.Release();
                }
            }
        }
        """);

    [Fact]
    public Task ALoopThatDropsCallsButAcceptsNothing() => Clean("""
        public sealed class Poller : BackgroundService
        {
            private readonly IPriceCache _cache;
            public Poller(IPriceCache cache) => _cache = cache;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    _ = _cache.RefreshAsync("all");
                    await Task.Delay(60_000, stoppingToken);
                }
            }
        }
        """);
}
