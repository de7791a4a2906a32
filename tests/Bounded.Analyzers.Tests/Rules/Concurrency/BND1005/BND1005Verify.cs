using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Tests.Rules.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>Helpers shared by the BND1005 tests: request-handling code with ASP.NET Core, SignalR and gRPC stubs.</summary>
internal static class BND1005Verify
{
    private const string MoreUsings = """
        using Grpc.Core;
        using Microsoft.AspNetCore.Mvc.RazorPages;
        using Microsoft.AspNetCore.SignalR;

        """;

    /// <summary>Framework types the shared Lifetime stubs do not declare, in their real namespaces.</summary>
    private const string MoreStubs = """

        namespace Microsoft.AspNetCore.Http
        {
            public delegate Task RequestDelegate(HttpContext context);
            public interface IMiddleware { Task InvokeAsync(HttpContext context, RequestDelegate next); }
            public static class Results { public static object Accepted() => new object(); public static object Ok() => new object(); }
        }
        namespace Microsoft.AspNetCore.Builder
        {
            public interface IApplicationBuilder { }
            public static class UseExtensions
            {
                public static IApplicationBuilder Use(this IApplicationBuilder app, Func<HttpContext, Func<Task>, Task> middleware) => app;
                public static void Run(this IApplicationBuilder app, RequestDelegate handler) { }
            }
            public static class EndpointRouteBuilderGetExtensions
            {
                public static void MapGet(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, string pattern, Delegate handler) { }
            }
        }
        namespace Microsoft.AspNetCore.Mvc
        {
            [AttributeUsage(AttributeTargets.Class, Inherited = true)] public class ControllerAttribute : Attribute { }
            public sealed class ApiControllerAttribute : ControllerAttribute { }
        }
        namespace Microsoft.AspNetCore.SignalR { public abstract class Hub { } }
        namespace Microsoft.AspNetCore.Mvc.RazorPages { public abstract class PageModel { } }
        namespace Grpc.Core { public abstract class ServerCallContext { public CancellationToken CancellationToken => default; } }
        public interface IAuditLog { Task WriteAsync(string entry); void Write(string entry); }
        public interface IThumbnailer { void Render(string path); }
        public interface IPriceCache { ValueTask RefreshAsync(string sku); }
        public interface IMessageConsumer { event EventHandler<Message> Received; void Start(); }
        public interface IConsumer<T> { Task Consume(T message); }
        [AttributeUsage(AttributeTargets.Class)] public sealed class MessageHandlerAttribute : Attribute { }
        """;

    public static string Wrap(string body) => MoreUsings + LifetimeSources.Wrap(body) + MoreStubs;

    public static DiagnosticResult Diagnostic(int marker, string start) =>
        new DiagnosticResult(RuleIds.SpawnPerRequest, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(start);

    public static Task Reports(string body, string start, string? editorConfig = null) => Verify.AnalyzerAsync<SpawnPerRequestAnalyzer>(Wrap(body), editorConfig, Diagnostic(0, start));

    public static Task Clean(string body, string? editorConfig = null) => Verify.AnalyzerAsync<SpawnPerRequestAnalyzer>(Wrap(body), editorConfig);
}
