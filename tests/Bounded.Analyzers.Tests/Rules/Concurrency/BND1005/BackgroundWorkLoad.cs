using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// What BND1005's runtime tests share: the <c>WorkLog</c> a compiled controller records its background work in (how
/// often each piece ran, how many ran at once), and the load: requests sent 64 at a time, then a wait for the work.
/// </summary>
internal static class BackgroundWorkLoad
{
    /// <summary>The state type the controllers get injected; <c>DelayMs</c> is how long each piece of work takes.</summary>
    public const string WorkLogSource = """
        public sealed class WorkLog
        {
            public static int DelayMs = 10;
            public readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> Runs = new();
            public int Running;
            public int Peak;

            public System.Threading.Tasks.Task SaveAsync(int id) => System.Threading.Tasks.Task.CompletedTask;

            public void Begin()
            {
                var now = System.Threading.Interlocked.Increment(ref Running);
                int peak;
                while ((peak = System.Threading.Volatile.Read(ref Peak)) < now && System.Threading.Interlocked.CompareExchange(ref Peak, now, peak) != peak)
                {
                }
            }

            public void End(int id)
            {
                Runs.AddOrUpdate(id, 1, (_, runs) => runs + 1);
                System.Threading.Interlocked.Decrement(ref Running);
            }
        }
        """;

    /// <summary>Sends one POST per id to <paramref name="path"/>(id), then waits until every id's work has run.</summary>
    public static async Task<(int RanOnce, int Peak, TimeSpan Elapsed)> SendAndDrainAsync(ControllerHost host, int requests, Func<int, string> path)
    {
        var elapsed = Stopwatch.StartNew();
        using var senders = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, requests).Select(async id =>
        {
            await senders.WaitAsync();
            try
            {
                var response = await host.Http.PostAsync(path(id), null);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
            finally
            {
                senders.Release();
            }
        }));

        var runs = (ConcurrentDictionary<int, int>)host.StateType.GetField("Runs")!.GetValue(host.State)!;
        var watch = Stopwatch.StartNew();
        while (runs.Count < requests && watch.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(20);
        }

        Assert.Equal(requests, runs.Count);
        Assert.Equal(0, (int)host.StateType.GetField("Running")!.GetValue(host.State)!);
        return (runs.Count(run => run.Value == 1), (int)host.StateType.GetField("Peak")!.GetValue(host.State)!, elapsed.Elapsed);
    }
}
