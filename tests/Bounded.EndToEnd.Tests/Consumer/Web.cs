using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;

namespace Consumer;

public sealed class AuditTrail
{
    public readonly ConcurrentQueue<string> Entries = new ConcurrentQueue<string>();

    public Task SaveAsync(string entry)
    {
        Entries.Enqueue(entry);
        return Task.CompletedTask;
    }

    public void Write(string entry) => Entries.Enqueue(entry);
}

[ApiController]
[Route("orders")]
public sealed class OrdersController : ControllerBase
{
    private readonly AuditTrail _audit;
    private readonly IHostApplicationLifetime _lifetime;

    public OrdersController(AuditTrail audit, IHostApplicationLifetime lifetime)
    {
        _audit = audit;
        _lifetime = lifetime;
    }

    [HttpPost("{id}")]
    public async Task<IActionResult> Place(int id)
    {
        await _audit.SaveAsync("placed " + id);
        _ = Task.Run(async () => // expect BND1005
        {
            await Task.Delay(100, _lifetime.ApplicationStopping);
            _audit.Write("confirmed " + id);
        });
        return Accepted();
    }

    [HttpDelete("{id}")]
    public async Task<IActionResult> Cancel(int id)
    {
        await _audit.SaveAsync("cancelled " + id);
        _ = NotifyAsync(id); // expect BND1005
        return NoContent();
    }

    private async Task NotifyAsync(int id)
    {
        await Task.Delay(100);
        _audit.Write("notified " + id);
    }
}

public sealed class AuditMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuditTrail _audit;

    public AuditMiddleware(RequestDelegate next, AuditTrail audit)
    {
        _next = next;
        _audit = audit;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.ToString();
        ThreadPool.QueueUserWorkItem(_ => _audit.Write(path)); // expect BND1005
        await _next(context);
    }
}
