using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Bounded.Analyzers.Queues;
using Bounded.CodeFixes.Queues;
using Xunit;
using static Bounded.Analyzers.Tests.Reflected;

namespace Bounded.Analyzers.Tests.Rules.Queues;

/// <summary>
/// Runs the ForEachAsync fix's exact output against the original async-void body. The original is held at its first
/// await by a gate the test opens, so its numbers do not depend on timing: the loop returns with every item started
/// and none done. The fixed code runs at most the degree of parallelism at once, returns with every item done once,
/// and surfaces a body's exception at the await (the original would crash the process, so it is not run with one).
/// </summary>
public class BND4002RuntimeTests
{
    private const int Items = 200;
    private const int Limit = 4;
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(1);

    private const string Sender = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        public class Sender
        {
            private int _running;
            private int _peak;

            public ConcurrentBag<int> Sent { get; } = new();

            public int Peak => Volatile.Read(ref _peak);

            public Func<int, Task> Transport { get; set; } = _ => Task.CompletedTask;

            public async Task<int> SendAllAsync(IEnumerable<int> items, int limit)
            {
                Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = limit }, async item =>
                {
                    var now = Interlocked.Increment(ref _running);
                    int seen;
                    while (now > (seen = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
                    {
                    }

                    try
                    {
                        await Transport(item);
                        Sent.Add(item);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _running);
                    }
                });
                await Task.Yield();
                return Sent.Count;
            }
        }
        """;

    [Fact]
    public async Task OriginalStartsEveryItemAtOnceAndReturnsBeforeAnyIsSent()
    {
        using var original = InMemoryAssembly.Compile(Sender);
        var sender = Activator.CreateInstance(original.GetType("Sender"))!;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Set(sender, "Transport", new Func<int, Task>(_ => gate.Task));

        var returned = await Send(sender).WaitAsync(Generous);

        Assert.Equal(0, returned); // the caller goes on while nothing was sent
        Assert.Equal(Items, Get<int>(sender, "Peak")); // a limit of 4, yet all 200 bodies were running
        gate.SetResult();
        var deadline = DateTime.UtcNow + Generous;
        while (Get<ConcurrentBag<int>>(sender, "Sent").Count < Items && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(Items, Get<ConcurrentBag<int>>(sender, "Sent").Count); // sent only later, unobserved by the caller
    }

    [Fact]
    public async Task FixedRunsAtMostTheLimitAndReturnsWithEveryItemSentOnce()
    {
        using var repaired = InMemoryAssembly.Compile(await FixAsync());
        var sender = Activator.CreateInstance(repaired.GetType("Sender"))!;
        Set(sender, "Transport", new Func<int, Task>(_ => Task.Delay(2)));

        var returned = await Send(sender).WaitAsync(Generous);

        Assert.Equal(Items, returned);
        Assert.InRange(Get<int>(sender, "Peak"), 1, Limit);
        Assert.Equal(Enumerable.Range(0, Items), Get<ConcurrentBag<int>>(sender, "Sent").OrderBy(i => i));
    }

    [Fact]
    public async Task FixedSurfacesABodysExceptionAtTheAwait()
    {
        using var repaired = InMemoryAssembly.Compile(await FixAsync());
        var sender = Activator.CreateInstance(repaired.GetType("Sender"))!;
        Set(sender, "Transport", new Func<int, Task>(async item =>
        {
            await Task.Yield();
            if (item == 17)
            {
                throw new InvalidOperationException("transport failed for 17");
            }
        }));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Send(sender).WaitAsync(Generous));
        Assert.Equal("transport failed for 17", failure.Message);
        Assert.DoesNotContain(17, Get<ConcurrentBag<int>>(sender, "Sent"));
    }

    private static async Task<string> FixAsync()
    {
        var fixedSource = await AppliedFix.ApplyAsync<UnlimitedParallelismAnalyzer, UnlimitedParallelismCodeFixProvider>(Sender, RuleIds.UnlimitedParallelism, UnlimitedParallelismCodeFixProvider.ExplicitLimitKey);
        Assert.Contains("await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = limit }, async (item, ct) =>", fixedSource);
        return fixedSource;
    }

    private static Task<int> Send(object sender) =>
        (Task<int>)sender.GetType().GetMethod("SendAllAsync")!.Invoke(sender, new object[] { Enumerable.Range(0, Items).ToArray(), Limit })!;
}
