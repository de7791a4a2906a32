using System.Threading.Tasks;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.BND1005Verify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>BND1005: work started and left behind by code that runs once per request, with nothing limiting it.</summary>
public class BND1005ReportsTests
{
    [Fact]
    public Task ControllerActionAnswers202AndSendsMailInTheBackground() => Reports("""
        public sealed class OrdersController : ControllerBase
        {
            private readonly IEmailSender _email;
            public OrdersController(IEmailSender email) => _email = email;

            public string Place(Order order)
            {
                _ = Task.{|#0:Run|}(() => _email.SendAsync(order.Customer, "Thanks for order " + order.Id));
                return "accepted";
            }
        }
        """, "Task.Run");

    [Fact]
    public Task ControllerActionDropsTheTaskWithoutADiscard() => Reports("""
        public sealed class ReportsController : ControllerBase
        {
            private readonly IThumbnailer _thumbnailer;
            public ReportsController(IThumbnailer thumbnailer) => _thumbnailer = thumbnailer;

            public void Upload(string path)
            {
                Task.{|#0:Run|}(() => _thumbnailer.Render(path));
            }
        }
        """, "Task.Run");

    [Fact]
    public Task ControllerActionDiscardsAnAsyncCall() => Reports("""
        public sealed class SignupController : ControllerBase
        {
            private readonly IEmailSender _email;
            public SignupController(IEmailSender email) => _email = email;

            public string Register(string address)
            {
                _ = _email.{|#0:SendAsync|}(address, "Welcome");
                return "ok";
            }
        }
        """, "SendAsync");

    [Fact]
    public Task AsyncActionDiscardsItsOwnHelper() => Reports("""
        public sealed class CheckoutController : ControllerBase
        {
            private readonly IOrderStore _store;
            private readonly IEmailSender _email;
            public CheckoutController(IOrderStore store, IEmailSender email) { _store = store; _email = email; }

            public async Task<string> Checkout(Order order, CancellationToken cancellationToken)
            {
                await _store.SaveAsync(order, cancellationToken);
                _ = {|#0:NotifyAsync|}(order);
                return "done";
            }

            private async Task NotifyAsync(Order order)
            {
                await Task.Delay(100);
                await _email.SendAsync(order.Customer, "Shipped");
            }
        }
        """, "NotifyAsync");

    [Fact]
    public Task ControllerActionQueuesAThreadPoolItem() => Reports("""
        public sealed class AuditController : ControllerBase
        {
            private readonly IAuditLog _audit;
            public AuditController(IAuditLog audit) => _audit = audit;

            public void Track(string page)
            {
                ThreadPool.{|#0:QueueUserWorkItem|}(_ => _audit.Write(page));
            }
        }
        """, "ThreadPool.QueueUserWorkItem");

    [Fact]
    public Task ControllerActionStartsAThread() => Reports("""
        public sealed class ExportController : ControllerBase
        {
            private readonly IThumbnailer _thumbnailer;
            public ExportController(IThumbnailer thumbnailer) => _thumbnailer = thumbnailer;

            public void Export(string path)
            {
                new Thread(() => _thumbnailer.Render(path)).{|#0:Start|}();
            }
        }
        """, "Thread.Start");

    [Fact]
    public Task ControllerActionUsesStartNew() => Reports("""
        public sealed class ImportController : ControllerBase
        {
            private readonly IOrderStore _store;
            public ImportController(IOrderStore store) => _store = store;

            public void Import(Order order)
            {
                Task.Factory.{|#0:StartNew|}(() => _store.SaveAsync(order));
            }
        }
        """, "Task.Factory.StartNew");

    [Fact]
    public Task ControllerActionStartsANewTask() => Reports("""
        public sealed class CacheController : ControllerBase
        {
            private readonly IAuditLog _audit;
            public CacheController(IAuditLog audit) => _audit = audit;

            public void Invalidate(string key)
            {
                new Task(() => _audit.Write("invalidated " + key)).{|#0:Start|}();
            }
        }
        """, "Task.Start");

    [Fact]
    public Task MinimalApiLambda() => Reports("""
        public static class Endpoints
        {
            public static void Map(WebApplication app, IEmailSender email)
            {
                app.MapPost("/orders", (Order order) =>
                {
                    _ = Task.{|#0:Run|}(() => email.SendAsync(order.Customer, "Received"));
                    return Results.Accepted();
                });
            }
        }
        """, "Task.Run");

    [Fact]
    public Task MinimalApiAsyncLambdaDiscardsASave() => Reports("""
        public static class Endpoints
        {
            public static void Map(WebApplication app, IOrderStore store)
            {
                app.MapGet("/orders/{id}", async (int id) =>
                {
                    var order = await store.FindAsync(id);
                    _ = store.{|#0:SaveAsync|}(order!);
                    return Results.Ok();
                });
            }
        }
        """, "SaveAsync");

    [Fact]
    public Task ConventionalMiddleware() => Reports("""
        public sealed class AuditMiddleware
        {
            private readonly RequestDelegate _next;
            private readonly IAuditLog _audit;
            public AuditMiddleware(RequestDelegate next, IAuditLog audit) { _next = next; _audit = audit; }

            public async Task InvokeAsync(HttpContext context)
            {
                _ = Task.{|#0:Run|}(() => _audit.WriteAsync("request"));
                await _next(context);
            }
        }
        """, "Task.Run");

    [Fact]
    public Task FactoryMiddleware() => Reports("""
        public sealed class TimingMiddleware : IMiddleware
        {
            private readonly IAuditLog _audit;
            public TimingMiddleware(IAuditLog audit) => _audit = audit;

            public async Task InvokeAsync(HttpContext context, RequestDelegate next)
            {
                await next(context);
                _ = _audit.{|#0:WriteAsync|}("done");
            }
        }
        """, "WriteAsync");

    [Fact]
    public Task HubMethod() => Reports("""
        public sealed class ChatHub : Hub
        {
            private readonly IAuditLog _audit;
            public ChatHub(IAuditLog audit) => _audit = audit;

            public Task Send(string message)
            {
                _ = Task.{|#0:Run|}(() => _audit.WriteAsync(message));
                return Task.CompletedTask;
            }
        }
        """, "Task.Run");

    [Fact]
    public Task RazorPageHandler() => Reports("""
        public sealed class ContactModel : PageModel
        {
            private readonly IEmailSender _email;
            public ContactModel(IEmailSender email) => _email = email;

            public void OnPost(string from)
            {
                _ = _email.{|#0:SendAsync|}("support@example.com", "Contact from " + from);
            }
        }
        """, "SendAsync");

    [Fact]
    public Task GrpcServiceMethod() => Reports("""
        public sealed class Greeter
        {
            private readonly IAuditLog _audit;
            public Greeter(IAuditLog audit) => _audit = audit;

            public Task<string> SayHello(string name, ServerCallContext context)
            {
                _ = Task.{|#0:Run|}(() => _audit.WriteAsync("greeted " + name));
                return Task.FromResult("Hello " + name);
            }
        }
        """, "Task.Run");

    [Fact]
    public Task DiscardWithConfigureAwait() => Reports("""
        public sealed class PingController : ControllerBase
        {
            private readonly IAuditLog _audit;
            public PingController(IAuditLog audit) => _audit = audit;

            public void Ping() => _ = Task.{|#0:Run|}(() => _audit.WriteAsync("ping")).ConfigureAwait(false);
        }
        """, "Task.Run");

    [Fact]
    public Task OnlyOnOneBranch() => Reports("""
        public sealed class PaymentsController : ControllerBase
        {
            private readonly IEmailSender _email;
            public PaymentsController(IEmailSender email) => _email = email;

            public string Pay(Order order)
            {
                if (order.Total > 1000)
                {
                    _ = Task.{|#0:Run|}(() => _email.SendAsync("fraud@example.com", "Large order " + order.Id));
                }

                return "paid";
            }
        }
        """, "Task.Run");

    [Fact]
    public Task FromALocalFunctionOfTheAction() => Reports("""
        public sealed class ProfileController : ControllerBase
        {
            private readonly IAuditLog _audit;
            public ProfileController(IAuditLog audit) => _audit = audit;

            public string Update(string name)
            {
                Record();
                return name;

                void Record() => _ = Task.{|#0:Run|}(() => _audit.WriteAsync("renamed to " + name));
            }
        }
        """, "Task.Run");

    [Fact]
    public Task PocoApiControllerInheritsTheMarker() => Reports("""
        [ApiController]
        public abstract class ApiBase { }

        public sealed class InvoicesApi : ApiBase
        {
            private readonly IEmailSender _email;
            public InvoicesApi(IEmailSender email) => _email = email;

            public string Send(Order order)
            {
                _ = _email.{|#0:SendAsync|}(order.Customer, "Invoice " + order.Id);
                return "sent";
            }
        }
        """, "SendAsync");

    [Fact]
    public Task UseLambdaMiddleware() => Reports("""
        public static class Pipeline
        {
            public static void Configure(IApplicationBuilder app, IAuditLog audit)
            {
                app.Use(async (context, next) =>
                {
                    _ = Task.{|#0:Run|}(() => audit.WriteAsync("hit"));
                    await next();
                });
            }
        }
        """, "Task.Run");

    [Fact]
    public Task RunTerminalMiddleware() => Reports("""
        public static class Pipeline
        {
            public static void Configure(IApplicationBuilder app, IAuditLog audit)
            {
                app.Run(context =>
                {
                    _ = audit.{|#0:WriteAsync|}("terminal");
                    return Task.CompletedTask;
                });
            }
        }
        """, "WriteAsync");

    [Fact]
    public Task AsyncHubMethodStartsNew() => Reports("""
        public sealed class UploadHub : Hub
        {
            private readonly IThumbnailer _thumbnailer;
            public UploadHub(IThumbnailer thumbnailer) => _thumbnailer = thumbnailer;

            public async Task Uploaded(string path)
            {
                await Task.Yield();
                Task.Factory.{|#0:StartNew|}(() => _thumbnailer.Render(path));
            }
        }
        """, "Task.Factory.StartNew");

    [Fact]
    public Task AsyncBlockLambdaLeftBehind() => Reports("""
        public sealed class ArchiveController : ControllerBase
        {
            private readonly IOrderStore _store;
            private readonly IAuditLog _audit;
            public ArchiveController(IOrderStore store, IAuditLog audit) { _store = store; _audit = audit; }

            public string Archive(int id)
            {
                _ = Task.{|#0:Run|}(async () =>
                {
                    var order = await _store.FindAsync(id);
                    await _audit.WriteAsync("archived " + order?.Id);
                });
                return "archiving";
            }
        }
        """, "Task.Run");

    [Fact]
    public Task DiscardedValueTask() => Reports("""
        public sealed class PricesController : ControllerBase
        {
            private readonly IPriceCache _prices;
            public PricesController(IPriceCache prices) => _prices = prices;

            public string Get(string sku)
            {
                _ = _prices.{|#0:RefreshAsync|}(sku);
                return sku;
            }
        }
        """, "RefreshAsync");

    [Fact]
    public Task ConventionalMiddlewareInvokeQueuesUnsafeWork() => Reports("""
        public sealed class TraceMiddleware
        {
            private readonly RequestDelegate _next;
            private readonly IAuditLog _audit;
            public TraceMiddleware(RequestDelegate next, IAuditLog audit) { _next = next; _audit = audit; }

            public Task Invoke(HttpContext context)
            {
                ThreadPool.{|#0:UnsafeQueueUserWorkItem|}(_ => _audit.Write("trace"), null);
                return _next(context);
            }
        }
        """, "ThreadPool.UnsafeQueueUserWorkItem");

    [Fact]
    public Task MinimalApiMethodGroupMappedByItsOwnClass() => Reports("""
        public static class OrderEndpoints
        {
            public static void Map(WebApplication app) => app.MapPost("/orders", Place);

            private static string Place(Order order, IEmailSender email)
            {
                _ = email.{|#0:SendAsync|}(order.Customer, "Received");
                return "accepted";
            }
        }
        """, "SendAsync");

    [Fact]
    public Task HostedServiceSubscribesALambdaPerMessage() => Reports("""
        public sealed class OrderListener : BackgroundService
        {
            private readonly IMessageConsumer _consumer;
            private readonly IAuditLog _audit;
            public OrderListener(IMessageConsumer consumer, IAuditLog audit) { _consumer = consumer; _audit = audit; }

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _consumer.Received += (sender, message) =>
                {
                    _ = Task.{|#0:Run|}(() => _audit.WriteAsync(message.Id));
                };
                _consumer.Start();
                return Task.CompletedTask;
            }
        }
        """, "Task.Run");

    [Fact]
    public Task HostedServiceSubscribesAMethodPerMessage() => Reports("""
        public sealed class ShipmentListener : BackgroundService
        {
            private readonly IMessageConsumer _consumer;
            private readonly IEmailSender _email;
            public ShipmentListener(IMessageConsumer consumer, IEmailSender email) { _consumer = consumer; _email = email; }

            protected override Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _consumer.Received += OnReceived;
                _consumer.Start();
                return Task.CompletedTask;
            }

            private void OnReceived(object? sender, Message message)
            {
                _email.{|#0:SendAsync|}(message.Id, "Shipped");
            }
        }
        """, "SendAsync");

    [Fact]
    public Task AConsumerInterfaceNamedByTheOption() => Reports("""
        public sealed class OrderPlacedConsumer : IConsumer<Order>
        {
            private readonly IEmailSender _email;
            public OrderPlacedConsumer(IEmailSender email) => _email = email;

            public Task Consume(Order order)
            {
                _ = _email.{|#0:SendAsync|}(order.Customer, "Thanks");
                return Task.CompletedTask;
            }
        }
        """, "SendAsync", "bounded.request_handler_types = IConsumer");

    [Fact]
    public Task AHandlerAttributeNamedByTheOptionWithItsNamespace() => Reports("""
        [MessageHandler]
        public sealed class RefundHandler
        {
            private readonly IAuditLog _audit;
            public RefundHandler(IAuditLog audit) => _audit = audit;

            public void Handle(Order order)
            {
                ThreadPool.{|#0:QueueUserWorkItem|}(_ => _audit.Write("refund " + order.Id));
            }
        }
        """, "ThreadPool.QueueUserWorkItem", "bounded.bnd1005.request_handler_types = Other.Framework.Handler, MessageHandler");

    [Fact]
    public Task AnAcceptLoopDropsEachConnectionsHandler() => Reports("""
        public sealed class EchoServer : BackgroundService
        {
            private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 7000);

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                _listener.Start();
                while (!stoppingToken.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(stoppingToken);
                    _ = {|#0:EchoAsync|}(client, stoppingToken);
                }
            }

            private static async Task EchoAsync(System.Net.Sockets.TcpClient client, CancellationToken cancellationToken)
            {
                using var stream = client.GetStream();
                await stream.CopyToAsync(stream, cancellationToken);
            }
        }
        """, "EchoAsync");

    [Fact]
    public Task AnHttpListenerLoopDropsEachRequestsHandler() => Reports("""
        public sealed class StatusEndpoint
        {
            private readonly System.Net.HttpListener _listener = new();

            public async Task ServeAsync(CancellationToken cancellationToken)
            {
                _listener.Start();
                while (!cancellationToken.IsCancellationRequested)
                {
                    var context = await _listener.GetContextAsync();
                    {|#0:RespondAsync|}(context);
                }
            }

            private static async Task RespondAsync(System.Net.HttpListenerContext context)
            {
                await context.Response.OutputStream.WriteAsync(new byte[] { 1 });
                context.Response.Close();
            }
        }
        """, "RespondAsync");
}
