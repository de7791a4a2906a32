using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Bounded.CodeFixes.Lifetime;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>
/// BND2001's fix in request code, run in a real Kestrel server: the controller's fire-and-forget work gets the
/// application's stopping token (never the request's), so it completes after the response has been sent, and it
/// stops when the host stops — where the original ran on past the host's shutdown.
/// </summary>
public class BND2001RuntimeTests
{
    private const string Controller = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.Hosting;

        public sealed class WorkLog
        {
            public static int DelayMs = 100;
            public readonly ConcurrentQueue<string> Events = new();
        }

        [ApiController]
        [Route("orders")]
        public class OrdersController : ControllerBase
        {
            private readonly WorkLog _log;
            private readonly IHostApplicationLifetime _lifetime;

            public OrdersController(WorkLog log, IHostApplicationLifetime lifetime)
            {
                _log = log;
                _lifetime = lifetime;
            }

            [HttpPost("{id}")]
            public IActionResult Place(int id, CancellationToken cancellationToken)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await Task.Delay(WorkLog.DelayMs);
                        _log.Events.Enqueue("sent " + id);
                    }
                    catch (OperationCanceledException)
                    {
                        _log.Events.Enqueue("stopped " + id);
                    }
                });
                return Accepted();
            }
        }
        """;

    private static Task<string> FixedAsync() =>
        AppliedFix.ApplyAsync<DetachedTaskAnalyzer, DetachedTaskCodeFixProvider>(
            Controller, RuleIds.DetachedTaskWithoutToken, DetachedTaskCodeFixProvider.PassTokenKey, extraReferences: TestEnvironment.AspNetReferences);

    [Fact]
    public async Task TheFixPassesTheApplicationsStoppingTokenNotTheRequests()
    {
        var fixedSource = await FixedAsync();
        Assert.Contains("await Task.Delay(WorkLog.DelayMs, _lifetime.ApplicationStopping);", fixedSource);
        Assert.Contains("}, _lifetime.ApplicationStopping);", fixedSource);
        Assert.DoesNotContain("RequestAborted", fixedSource);
        Assert.DoesNotContain("WorkLog.DelayMs, cancellationToken", fixedSource);
    }

    [Fact]
    public async Task FixedWorkCompletesAfterTheResponse()
    {
        // Long enough that even a first, cold MVC request on a loaded machine is answered before the work ends.
        await using var host = await Host.StartAsync(await FixedAsync(), delayMs: 5_000);
        var response = await host.Http.PostAsync("/orders/1", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(host.Events); // the response came before the work finished
        Assert.True(await host.WaitForAsync("sent 1", TimeSpan.FromSeconds(30)), "the work did not complete after the response: " + string.Join(", ", host.Events));
    }

    [Fact]
    public async Task FixedWorkStopsWhenTheHostStopsAndTheOriginalDoesNot()
    {
        foreach (var (source, stops) in new[] { (await FixedAsync(), true), (Controller, false) })
        {
            var host = await Host.StartAsync(source, delayMs: 60_000);
            var response = await host.Http.PostAsync("/orders/2", null);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            var watch = Stopwatch.StartNew();
            await host.DisposeAsync();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "stopping the host took " + watch.Elapsed);
            Assert.Equal(stops, await host.WaitForAsync("stopped 2", stops ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(500)));
            Assert.DoesNotContain("sent 2", host.Events);
        }
    }

    /// <summary>The compiled controller in Kestrel, and the events its work logged.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private readonly ControllerHost _host;

        private Host(ControllerHost host) => _host = host;

        public HttpClient Http => _host.Http;

        public string[] Events => ((ConcurrentQueue<string>)_host.StateType.GetField("Events")!.GetValue(_host.State)!).ToArray();

        public static async Task<Host> StartAsync(string source, int delayMs) =>
            new(await ControllerHost.StartAsync(source, "WorkLog", type => type.GetField("DelayMs")!.SetValue(null, delayMs)));

        public async Task<bool> WaitForAsync(string entry, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < timeout)
            {
                if (Events.Contains(entry))
                {
                    return true;
                }

                await Task.Delay(20);
            }

            return Events.Contains(entry);
        }

        public ValueTask DisposeAsync() => _host.DisposeAsync();
    }
}
