using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// BND1005's IDE variant against the real ASP.NET Core reference assemblies: the project gets BackgroundWorkQueue.cs
/// once, the handler gets the queue injected, the start queues the work, the queue is registered after the project's
/// first IServiceCollection call; the result compiles, and in Kestrel it runs every piece of work once, never more than
/// the workers at once.
/// </summary>
public class BND1005QueueFixTests
{
    private const string Key = "Bounded.BND1005.BackgroundQueue";

    private static Task<IReadOnlyDictionary<string, string>?> ApplyAsync(string? editorConfig, params (string Name, string Text)[] documents) =>
        AppliedFix.ApplyOnceInProjectAsync<SpawnPerRequestAnalyzer, SpawnPerRequestCodeFixProvider>(documents, RuleIds.SpawnPerRequest, Key, editorConfig, TestEnvironment.AspNetReferences);

    private const string Startup = """
        using Microsoft.Extensions.DependencyInjection;

        namespace Shop;

        public static class Startup
        {
            public static void ConfigureServices(IServiceCollection services)
            {
                services.AddControllers();
            }
        }
        """;

    private const string Controller = """
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Mvc;

        namespace Shop;

        public interface IMailer { Task SendAsync(string to, string body); }

        [ApiController]
        [Route("orders")]
        public sealed class OrdersController : ControllerBase
        {
            private readonly IMailer _mailer;

            public OrdersController(IMailer mailer) => _mailer = mailer;

            [HttpPost("{id}")]
            public async Task<IActionResult> Place(int id, string customer)
            {
                await Task.Yield();
                _ = Task.Run(() => _mailer.SendAsync(customer, "Order " + id));
                return Accepted();
            }
        }
        """;

    [Fact]
    public async Task AControllerGetsTheQueueThroughItsConstructorAndTheProjectRegistersIt()
    {
        var result = await ApplyAsync("bounded.queue_capacity = 500\nbounded.max_background_work = 8", ("Controller.cs", Controller), ("Startup.cs", Startup));

        Assert.NotNull(result);
        Assert.Equal("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Mvc;

            namespace Shop;

            public interface IMailer { Task SendAsync(string to, string body); }

            [ApiController]
            [Route("orders")]
            public sealed class OrdersController : ControllerBase
            {
                private readonly BackgroundWorkQueue _backgroundWork;
                private readonly IMailer _mailer;

                public OrdersController(IMailer mailer, BackgroundWorkQueue backgroundWork)
                {
                    _mailer = mailer;
                    _backgroundWork = backgroundWork;
                }

                [HttpPost("{id}")]
                public async Task<IActionResult> Place(int id, string customer)
                {
                    await Task.Yield();
                    await _backgroundWork.QueueAsync(stoppingToken => _mailer.SendAsync(customer, "Order " + id));
                    return Accepted();
                }
            }
            """, result!["Controller.cs"]);
        Assert.Equal(Startup.Replace("services.AddControllers();", "services.AddControllers();\n        services.AddBackgroundWorkQueue();"), result["Startup.cs"]);
        var queue = result["BackgroundWorkQueue.cs"];
        Assert.Contains("namespace Shop\n{", queue);
        Assert.Contains("public static IServiceCollection AddBackgroundWorkQueue(this IServiceCollection services, int capacity = 500, int workers = 8)", queue);
        Assert.Contains("FullMode = BoundedChannelFullMode.Wait", queue);
        Assert.Contains("_logger.LogError(exception, \"Background work failed\");", queue);
    }

    [Fact]
    public async Task AMinimalApiHandlerTakesTheQueueAsAParameter()
    {
        var result = await ApplyAsync(null, ("Api.cs", """
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;

            namespace Shop.Api;

            public interface IMailer { Task SendAsync(string to, string body); }

            public static class OrderApi
            {
                public static void AddServices(WebApplicationBuilder builder)
                {
                    builder.Services.AddRouting();
                }

                public static void Map(WebApplication app)
                {
                    app.MapPost("/orders/{id}", async (int id, IMailer mailer) =>
                    {
                        await Task.Yield();
                        _ = mailer.SendAsync("ops", $"Order {id}");
                        return Results.Accepted();
                    });
                }
            }
            """));

        Assert.NotNull(result);
        Assert.Equal("""
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;
            using Microsoft.Extensions.DependencyInjection;

            namespace Shop.Api;

            public interface IMailer { Task SendAsync(string to, string body); }

            public static class OrderApi
            {
                public static void AddServices(WebApplicationBuilder builder)
                {
                    builder.Services.AddRouting();
                    builder.Services.AddBackgroundWorkQueue();
                }

                public static void Map(WebApplication app)
                {
                    app.MapPost("/orders/{id}", async (int id, IMailer mailer, BackgroundWorkQueue backgroundWork) =>
                    {
                        await Task.Yield();
                        await backgroundWork.QueueAsync(stoppingToken => mailer.SendAsync("ops", $"Order {id}"));
                        return Results.Accepted();
                    });
                }
            }
            """, result!["Api.cs"]);
        Assert.Contains("namespace Shop.Api\n{", result["BackgroundWorkQueue.cs"]);
    }

    [Fact]
    public async Task ALaterHandlerUsesTheQueueAndRegistrationAlreadyThere()
    {
        var first = await ApplyAsync(null, ("Controller.cs", Controller), ("Startup.cs", Startup));
        var second = await ApplyAsync(
            null,
            ("Controller.cs", first!["Controller.cs"]),
            ("Startup.cs", first["Startup.cs"]),
            ("BackgroundWorkQueue.cs", first["BackgroundWorkQueue.cs"]),
            ("Refunds.cs", """
                using System.Threading.Tasks;
                using Microsoft.AspNetCore.Mvc;

                namespace Shop.Refunds;

                [ApiController]
                public sealed class RefundsController : ControllerBase
                {
                    [HttpPost("refunds/{id}")]
                    public async Task<IActionResult> Refund(int id)
                    {
                        await Task.Yield();
                        _ = Task.Run(async () => await Task.Delay(id));
                        return Accepted();
                    }
                }
                """));

        Assert.NotNull(second);
        Assert.Equal(4, second!.Count); // no second BackgroundWorkQueue.cs
        Assert.Equal(first["Startup.cs"], second["Startup.cs"]); // registered once
        Assert.Contains("public RefundsController(BackgroundWorkQueue backgroundWork)", second["Refunds.cs"]);
        Assert.Contains("await _backgroundWork.QueueAsync(async stoppingToken => await Task.Delay(id));", second["Refunds.cs"]);
    }

    [Fact]
    public async Task NotOfferedWhenTheProjectConfiguresNoServices() =>
        Assert.Null(await ApplyAsync(null, ("Controller.cs", Controller)));

    [Fact]
    public async Task NotOfferedForACallWhoseArgumentsMayChangeBeforeTheQueueRunsIt() =>
        Assert.Null(await ApplyAsync(null, ("Startup.cs", Startup), ("Controller.cs", """
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Mvc;

            namespace Shop;

            public interface IMailer { Task SendAsync(string to, string body); }

            public sealed class Order { public string Customer { get; set; } = ""; }

            [ApiController]
            public sealed class OrdersController : ControllerBase
            {
                private readonly IMailer _mailer;

                public OrdersController(IMailer mailer) => _mailer = mailer;

                [HttpPost("orders")]
                public async Task<IActionResult> Place(Order order)
                {
                    await Task.Yield();
                    _ = _mailer.SendAsync(order.Customer, "Thanks");
                    return Accepted();
                }
            }
            """)));

    [Fact]
    public async Task NotOfferedForATypeWithSeveralConstructors() =>
        Assert.Null(await ApplyAsync(null, ("Startup.cs", Startup), ("Controller.cs", Controller.Replace(
            "public OrdersController(IMailer mailer) => _mailer = mailer;",
            "public OrdersController(IMailer mailer) => _mailer = mailer;\n\n    public OrdersController() : this(null!) { }"))));

    private const string RuntimeController = $$"""
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.DependencyInjection;

        {{BackgroundWorkLoad.WorkLogSource}}

        [ApiController]
        [Route("orders")]
        public class OrdersController : ControllerBase
        {
            private readonly WorkLog _log;

            public OrdersController(WorkLog log) => _log = log;

            [HttpPost("{id}")]
            public async Task<IActionResult> Place(int id)
            {
                await Task.Yield();
                _ = Task.Run(async () =>
                {
                    _log.Begin();
                    await Task.Delay(WorkLog.DelayMs);
                    _log.End(id);
                });
                return Accepted();
            }
        }

        public static class Startup
        {
            public static void ConfigureServices(IServiceCollection services)
            {
                services.AddControllers();
            }
        }
        """;

    [Fact]
    public async Task InKestrelTheQueueRunsEveryPieceOfWorkOnceAndNoMoreThanItsWorkersAtOnce()
    {
        const int requests = 2_000;
        const int workers = 8;
        var result = await ApplyAsync("bounded.queue_capacity = 16\nbounded.max_background_work = " + workers, ("Orders.cs", RuntimeController));
        Assert.NotNull(result);

        await using var host = await ControllerHost.StartAsync(result!.Values, "WorkLog", configureServices: (services, assembly) =>
            assembly.GetType("Microsoft.Extensions.DependencyInjection.BackgroundWorkQueueServiceCollectionExtensions")!
                .GetMethod("AddBackgroundWorkQueue")!.Invoke(null, new object[] { services, 16, workers }));
        var (ranOnce, peak, _) = await BackgroundWorkLoad.SendAndDrainAsync(host, requests, id => $"/orders/{id}");

        Assert.Equal(requests, ranOnce);
        Assert.InRange(peak, 1, workers);
    }
}
