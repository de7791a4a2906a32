namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>Realistic surroundings for the BND2xxx tests: ASP.NET-style stubs, a hosted-service base, message handling.</summary>
internal static class LifetimeSources
{
    public const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.Hosting;

        """;

    /// <summary>
    /// Stubs for types from ASP.NET Core and Microsoft.Extensions.Hosting, which the tests do not reference, in their
    /// real namespaces: the rules recognise them by symbol.
    /// </summary>
    public const string Stubs = """

        namespace Microsoft.AspNetCore.Http { public class HttpContext { public CancellationToken RequestAborted { get; set; } } }
        namespace Microsoft.AspNetCore.Mvc
        {
            public abstract class ControllerBase { public HttpContext HttpContext { get; set; } = new HttpContext(); }
            public class HttpGetAttribute : Attribute { public HttpGetAttribute(string template = "") { } }
        }
        namespace Microsoft.AspNetCore.Routing { public interface IEndpointRouteBuilder { } }
        namespace Microsoft.AspNetCore.Builder
        {
            public sealed class WebApplication : Microsoft.AspNetCore.Routing.IEndpointRouteBuilder { }
            public static class EndpointRouteBuilderExtensions
            {
                public static void MapPost(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, string pattern, Delegate handler) { }
            }
        }
        namespace Microsoft.Extensions.Hosting
        {
            public interface IHostApplicationLifetime
            {
                CancellationToken ApplicationStarted { get; }
                CancellationToken ApplicationStopping { get; }
                CancellationToken ApplicationStopped { get; }
            }
            public interface IHostedService
            {
                Task StartAsync(CancellationToken cancellationToken);
                Task StopAsync(CancellationToken cancellationToken);
            }
            public abstract class BackgroundService : IHostedService
            {
                protected abstract Task ExecuteAsync(CancellationToken stoppingToken);
                public virtual Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
                public virtual Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            }
        }
        public interface ILogger { void Log(string message); }
        public record Order(int Id, string Customer, decimal Total);
        public record Message(string Id, byte[] Body);
        public interface IMessageHandler<T> { Task HandleAsync(T message, CancellationToken cancellationToken); }
        public interface IEmailSender { Task SendAsync(string to, string body, CancellationToken cancellationToken = default); }
        public interface IOrderStore
        {
            Task SaveAsync(Order order, CancellationToken cancellationToken = default);
            Task<Order?> FindAsync(int id, CancellationToken cancellationToken = default);
        }
        public interface IQueueClient
        {
            Task<Message?> ReceiveAsync(CancellationToken cancellationToken = default);
            Task CompleteAsync(Message message, CancellationToken cancellationToken = default);
        }
        """;

    public static string Wrap(string body) => Usings + body + Stubs;
}
