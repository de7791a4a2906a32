using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Reflected;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// Runs the "release the slot when the work ends" fix's exact output against the original gate that is released as
/// soon as the work starts. The original's work is held by a gate the test opens, so its peak does not depend on
/// timing: every item runs at once under a limit of 4. The fixed code never runs more than 4, returns every result in
/// input order, surfaces a failure, and gives every slot back (nothing lost, nothing added).
/// </summary>
public class BND1001EarlyReleaseRuntimeTests
{
    private const int Items = 100;
    private const int Limit = 4;
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(1);

    private const string Crawler = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        public class Crawler
        {
            private int _running;
            private int _peak;

            public SemaphoreSlim Gate { get; } = new SemaphoreSlim(4);

            public int Running => Volatile.Read(ref _running);

            public int Peak => Volatile.Read(ref _peak);

            public Func<int, Task<int>> Fetch { get; set; } = item => Task.FromResult(item);

            public async Task<int[]> CrawlAsync(IEnumerable<int> items)
            {
                var tasks = new List<Task<int>>();
                foreach (var item in items)
                {
                    await Gate.WaitAsync();
                    try
                    {
                        tasks.Add(Task.Run(() => Tracked(item)));
                    }
                    finally
                    {
                        Gate.Release();
                    }
                }

                return await Task.WhenAll(tasks);
            }

            private async Task<int> Tracked(int item)
            {
                var now = Interlocked.Increment(ref _running);
                int seen;
                while (now > (seen = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
                {
                }

                try
                {
                    return await Fetch(item);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }
            }
        }
        """;

    [Fact]
    public async Task OriginalRunsEveryItemAtOnceDespiteTheGate()
    {
        using var original = InMemoryAssembly.Compile(Crawler);
        var crawler = Activator.CreateInstance(original.GetType("Crawler"))!;
        var hold = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Set(crawler, "Fetch", new Func<int, Task<int>>(_ => hold.Task));

        var crawl = Crawl(crawler);
        var deadline = DateTime.UtcNow + Generous;
        while (Get<int>(crawler, "Running") < Items && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(Items, Get<int>(crawler, "Running")); // a gate of 4, yet all 100 are running
        Assert.Equal(Limit, Get<SemaphoreSlim>(crawler, "Gate").CurrentCount); // every slot already given back
        hold.SetResult(1);
        await crawl.WaitAsync(Generous);
    }

    [Fact]
    public async Task FixedRunsAtMostTheLimitAndKeepsResultsInOrder()
    {
        using var repaired = InMemoryAssembly.Compile(await FixAsync());
        var crawler = Activator.CreateInstance(repaired.GetType("Crawler"))!;
        Set(crawler, "Fetch", new Func<int, Task<int>>(async item =>
        {
            await Task.Delay(2);
            return item * 10;
        }));

        var results = await Crawl(crawler).WaitAsync(Generous);

        Assert.Equal(Enumerable.Range(0, Items).Select(i => i * 10), results);
        Assert.InRange(Get<int>(crawler, "Peak"), 1, Limit);
        Assert.Equal(Limit, Get<SemaphoreSlim>(crawler, "Gate").CurrentCount);
    }

    [Fact]
    public async Task FixedSurfacesAFailureAndGivesEverySlotBack()
    {
        using var repaired = InMemoryAssembly.Compile(await FixAsync());
        var crawler = Activator.CreateInstance(repaired.GetType("Crawler"))!;
        Set(crawler, "Fetch", new Func<int, Task<int>>(async item =>
        {
            await Task.Yield();
            return item == 42 ? throw new InvalidOperationException("fetch 42 failed") : item;
        }));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Crawl(crawler).WaitAsync(Generous));

        Assert.Equal("fetch 42 failed", failure.Message);
        Assert.Equal(Limit, Get<SemaphoreSlim>(crawler, "Gate").CurrentCount);
    }

    private static async Task<string> FixAsync()
    {
        var fixedSource = await AppliedFix.ApplyAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Crawler, RuleIds.UnboundedTaskSpawn, UnboundedTaskSpawnCodeFixProvider.SemaphoreKey);
        Assert.DoesNotContain("Gate.Release();\n                    }\n                }\n\n                return", fixedSource.Replace("\r\n", "\n"));
        Assert.Contains("tasks.Add(Task.Run(async () =>", fixedSource);
        return fixedSource;
    }

    private static Task<int[]> Crawl(object crawler) =>
        (Task<int[]>)crawler.GetType().GetMethod("CrawlAsync")!.Invoke(crawler, new object[] { Enumerable.Range(0, Items).ToArray() })!;
}
