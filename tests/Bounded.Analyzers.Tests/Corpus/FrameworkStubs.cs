// Minimal stand-ins for the framework types the corpus application uses (ASP.NET Core MVC, generic host,
// logging, options). The corpus is analysed, not run: only the shapes of these types matter.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Microsoft.Extensions.Logging
{
    public enum LogLevel { Trace, Debug, Information, Warning, Error, Critical, None }

    public interface ILogger
    {
        void Log(LogLevel level, Exception? exception, string message, params object?[] args);
        bool IsEnabled(LogLevel level);
    }

    public interface ILogger<out TCategory> : ILogger
    {
    }

    public static class LoggerExtensions
    {
        public static void LogInformation(this ILogger logger, string message, params object?[] args) => logger.Log(LogLevel.Information, null, message, args);

        public static void LogWarning(this ILogger logger, string message, params object?[] args) => logger.Log(LogLevel.Warning, null, message, args);

        public static void LogWarning(this ILogger logger, Exception exception, string message, params object?[] args) => logger.Log(LogLevel.Warning, exception, message, args);

        public static void LogError(this ILogger logger, Exception exception, string message, params object?[] args) => logger.Log(LogLevel.Error, exception, message, args);

        public static void LogDebug(this ILogger logger, string message, params object?[] args) => logger.Log(LogLevel.Debug, null, message, args);
    }
}

namespace Microsoft.Extensions.Options
{
    public interface IOptions<out TOptions>
        where TOptions : class
    {
        TOptions Value { get; }
    }
}

namespace Microsoft.Extensions.Hosting
{
    public interface IHostedService
    {
        Task StartAsync(CancellationToken cancellationToken);

        Task StopAsync(CancellationToken cancellationToken);
    }

    public interface IHostApplicationLifetime
    {
        CancellationToken ApplicationStarted { get; }

        CancellationToken ApplicationStopping { get; }

        CancellationToken ApplicationStopped { get; }

        void StopApplication();
    }

    public abstract class BackgroundService : IHostedService, IDisposable
    {
        private Task? _executeTask;
        private CancellationTokenSource? _stoppingCts;

        public virtual Task? ExecuteTask => _executeTask;

        protected abstract Task ExecuteAsync(CancellationToken stoppingToken);

        public virtual Task StartAsync(CancellationToken cancellationToken)
        {
            _stoppingCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _executeTask = ExecuteAsync(_stoppingCts.Token);
            return _executeTask.IsCompleted ? _executeTask : Task.CompletedTask;
        }

        public virtual async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_executeTask is null)
            {
                return;
            }

            try
            {
                _stoppingCts!.Cancel();
            }
            finally
            {
                await Task.WhenAny(_executeTask, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
            }
        }

        public virtual void Dispose() => _stoppingCts?.Cancel();
    }
}

namespace Microsoft.AspNetCore.Http
{
    public interface IHeaderDictionary : IDictionary<string, string>
    {
    }

    public abstract class HttpRequest
    {
        public abstract string Path { get; }

        public abstract Stream Body { get; }

        public abstract IHeaderDictionary Headers { get; }

        public abstract long? ContentLength { get; }
    }

    public abstract class HttpResponse
    {
        public abstract int StatusCode { get; set; }

        public abstract Stream Body { get; }

        public abstract IHeaderDictionary Headers { get; }
    }

    public abstract class HttpContext
    {
        public abstract HttpRequest Request { get; }

        public abstract HttpResponse Response { get; }

        public abstract CancellationToken RequestAborted { get; set; }

        public abstract IServiceProvider RequestServices { get; set; }

        public abstract string TraceIdentifier { get; set; }
    }

    public interface IFormFile
    {
        string FileName { get; }

        long Length { get; }

        Stream OpenReadStream();
    }
}

namespace Microsoft.AspNetCore.Mvc
{
    using Microsoft.AspNetCore.Http;

    [AttributeUsage(AttributeTargets.Class)]
    public sealed class ApiControllerAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
    public sealed class RouteAttribute : Attribute
    {
        public RouteAttribute(string template) => Template = template;

        public string Template { get; }
    }

    [AttributeUsage(AttributeTargets.Method)]
    public class HttpMethodAttribute : Attribute
    {
        public HttpMethodAttribute(string? template = null) => Template = template;

        public string? Template { get; }
    }

    public sealed class HttpGetAttribute : HttpMethodAttribute
    {
        public HttpGetAttribute(string? template = null) : base(template)
        {
        }
    }

    public sealed class HttpPostAttribute : HttpMethodAttribute
    {
        public HttpPostAttribute(string? template = null) : base(template)
        {
        }
    }

    public sealed class HttpPutAttribute : HttpMethodAttribute
    {
        public HttpPutAttribute(string? template = null) : base(template)
        {
        }
    }

    public sealed class HttpDeleteAttribute : HttpMethodAttribute
    {
        public HttpDeleteAttribute(string? template = null) : base(template)
        {
        }
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class FromBodyAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class FromQueryAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class FromServicesAttribute : Attribute
    {
    }

    public interface IActionResult
    {
    }

    public class ObjectResult : IActionResult
    {
        public ObjectResult(object? value, int statusCode)
        {
            Value = value;
            StatusCode = statusCode;
        }

        public object? Value { get; }

        public int StatusCode { get; }
    }

    public sealed class StatusCodeResult : IActionResult
    {
        public StatusCodeResult(int statusCode) => StatusCode = statusCode;

        public int StatusCode { get; }
    }

    public sealed class FileStreamResult : IActionResult
    {
        public FileStreamResult(Stream stream, string contentType)
        {
            Stream = stream;
            ContentType = contentType;
        }

        public Stream Stream { get; }

        public string ContentType { get; }
    }

    public abstract class ControllerBase
    {
        public HttpContext HttpContext { get; set; } = null!;

        public HttpRequest Request => HttpContext.Request;

        public HttpResponse Response => HttpContext.Response;

        public IActionResult Ok() => new StatusCodeResult(200);

        public IActionResult Ok(object? value) => new ObjectResult(value, 200);

        public IActionResult Accepted(object? value) => new ObjectResult(value, 202);

        public IActionResult NotFound() => new StatusCodeResult(404);

        public IActionResult BadRequest(object? error) => new ObjectResult(error, 400);

        public IActionResult NoContent() => new StatusCodeResult(204);

        public IActionResult StatusCode(int statusCode) => new StatusCodeResult(statusCode);

        public IActionResult File(Stream stream, string contentType) => new FileStreamResult(stream, contentType);
    }
}

namespace Corpus.Diagnostics
{
    /// <summary>Marks a member as performance sensitive: BND3001 treats every allocation in it as repeated.</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property)]
    public sealed class HotPathAttribute : Attribute
    {
    }
}
