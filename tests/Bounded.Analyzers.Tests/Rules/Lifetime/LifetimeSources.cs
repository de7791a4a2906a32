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

        """;

    /// <summary>Stubs for types from ASP.NET Core and Microsoft.Extensions.Hosting, which the tests do not reference.</summary>
    public const string Stubs = """

        public class HttpContext { public CancellationToken RequestAborted { get; set; } }
        public abstract class ControllerBase { public HttpContext HttpContext { get; set; } = new HttpContext(); }
        public sealed class WebApplication { public void MapPost(string pattern, Delegate handler) { } }
        public class HttpGetAttribute : Attribute { public HttpGetAttribute(string template = "") { } }
        public interface IHostApplicationLifetime { CancellationToken ApplicationStopping { get; } }
        public abstract class BackgroundService
        {
            protected abstract Task ExecuteAsync(CancellationToken stoppingToken);
            public virtual Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            public virtual Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
