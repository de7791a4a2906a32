using System;
using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;
using Xunit.Abstractions;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// BND1005's fix in a real Kestrel server under 10,000 requests: every request's background work runs exactly once in
/// both versions, the original has more than the limit running at once, the fixed controller never does.
/// </summary>
public class BND1005RuntimeTests
{
    private readonly ITestOutputHelper _output;

    public BND1005RuntimeTests(ITestOutputHelper output) => _output = output;

    private const int Limit = 16;
    private const int Requests = 10_000;

    // Two actions of one controller: Task.Run of a lambda, and a dropped async call. They share the type's throttle.
    private const string Controller = $$"""
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Mvc;

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
                await _log.SaveAsync(id);
                _ = Task.Run(async () =>
                {
                    _log.Begin();
                    await Task.Delay(WorkLog.DelayMs);
                    _log.End(id);
                });
                return Accepted();
            }

            [HttpPost("{id}/confirm")]
            public async Task<IActionResult> Confirm(int id)
            {
                await _log.SaveAsync(id);
                _ = SendConfirmationAsync(id);
                return Accepted();
            }

            private async Task SendConfirmationAsync(int id)
            {
                _log.Begin();
                await Task.Delay(WorkLog.DelayMs);
                _log.End(id);
            }
        }
        """;

    private static Task<string> FixedAsync() =>
        AppliedFix.ApplyAsync<SpawnPerRequestAnalyzer, SpawnPerRequestCodeFixProvider>(
            Controller, RuleIds.SpawnPerRequest, SpawnPerRequestCodeFixProvider.ThrottleKey, "bounded.max_background_work = " + Limit, TestEnvironment.AspNetReferences);

    [Fact]
    public async Task TheFixedControllerRunsEveryPieceOfWorkOnceAndNeverMoreThanTheLimitAtOnce()
    {
        var fixedSource = await FixedAsync();
        Assert.Contains("private const int MaxBackgroundWork = " + Limit + ";", fixedSource);

        var original = await RunAsync(Controller);
        var fixedRun = await RunAsync(fixedSource);

        _output.WriteLine($"original: {original.RanOnce} ran once, peak {original.Peak}, {original.Elapsed.TotalSeconds:F1} s; fixed: {fixedRun.RanOnce} ran once, peak {fixedRun.Peak}, {fixedRun.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(Requests, original.RanOnce);
        Assert.Equal(Requests, fixedRun.RanOnce);
        Assert.True(original.Peak > Limit, $"the original's peak was {original.Peak}, expected more than {Limit} at once");
        Assert.InRange(fixedRun.Peak, 1, Limit);
    }

    /// <summary>Half the requests to each action.</summary>
    private static async Task<(int RanOnce, int Peak, TimeSpan Elapsed)> RunAsync(string source)
    {
        await using var host = await ControllerHost.StartAsync(source, "WorkLog");
        return await BackgroundWorkLoad.SendAndDrainAsync(host, Requests, id => id % 2 == 0 ? $"/orders/{id}" : $"/orders/{id}/confirm");
    }
}
