using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// BND1004's fixes run side by side with the original: for an early return between the wait and an existing
/// try/finally, the same work happens and the slot comes back on the early return too (the original kept it forever);
/// for an ignored timeout, the work runs the same when the slot is free, and a timed-out call throws instead of
/// running unprotected and releasing a slot it never took.
/// </summary>
public class BND1004RuntimeTests
{
    private const string Source = """
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Sender
        {
            public readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);
            public int Sent;

            public async Task SendAsync(byte[] payload, CancellationToken cancellationToken)
            {
                await Gate.WaitAsync(cancellationToken);
                if (payload.Length == 0)
                {
                    return;
                }

                try
                {
                    await Task.Yield();
                    Sent++;
                }
                finally
                {
                    Gate.Release();
                }
            }
        }
        """;

    [Fact]
    public async Task TheEarlyReturnGivesTheSlotBack()
    {
        var fixedSource = await AppliedFix.ApplyAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseCodeFixProvider>(Source, RuleIds.SemaphoreMisuse, SemaphoreMisuseCodeFixProvider.FixKey);

        var before = await RunAsync(Source);
        var after = await RunAsync(fixedSource);

        Assert.Equal((Sent: 1, Free: 0), before); // the empty payload kept the only slot
        Assert.Equal((Sent: 1, Free: 1), after);
    }

    private static async Task<(int Sent, int Free)> RunAsync(string source)
    {
        using var compiled = InMemoryAssembly.Compile(source);
        var type = compiled.GetType("Sender");
        var sender = System.Activator.CreateInstance(type)!;
        await (Task)type.GetMethod("SendAsync")!.Invoke(sender, new object[] { new byte[] { 1 }, CancellationToken.None })!;
        await (Task)type.GetMethod("SendAsync")!.Invoke(sender, new object[] { System.Array.Empty<byte>(), CancellationToken.None })!;
        var gate = (SemaphoreSlim)type.GetField("Gate")!.GetValue(sender)!;
        return ((int)type.GetField("Sent")!.GetValue(sender)!, gate.CurrentCount);
    }
    private const string TimedSource = """
        using System.Threading;

        public sealed class Counter
        {
            public readonly SemaphoreSlim Gate = new SemaphoreSlim(1);
            public int Count;

            public void Increment()
            {
                Gate.Wait(50);
                try
                {
                    Count++;
                }
                finally
                {
                    Gate.Release();
                }
            }
        }
        """;

    [Fact]
    public async Task ATimedOutWaitThrowsInsteadOfRunningWithoutTheSlot()
    {
        var fixedSource = await AppliedFix.ApplyAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseCodeFixProvider>(TimedSource, RuleIds.SemaphoreMisuse, SemaphoreMisuseCodeFixProvider.FixKey);
        Assert.Contains("throw new TimeoutException()", fixedSource);

        var before = RunTimed(TimedSource);
        var after = RunTimed(fixedSource);

        // Free slot: the same work. Slot held elsewhere: the original counted without it and raised the semaphore to 2,
        // so two callers could now enter at once; the fixed code throws and leaves the count as it was.
        Assert.Equal((Free: 1, TimedOut: (string?)null, Count: 2, AfterHolderReleased: 2), before);
        Assert.Equal((Free: 1, TimedOut: "TimeoutException", Count: 1, AfterHolderReleased: 1), after);
    }

    private static (int Free, string? TimedOut, int Count, int AfterHolderReleased) RunTimed(string source)
    {
        using var compiled = InMemoryAssembly.Compile(source);
        var type = compiled.GetType("Counter");
        var counter = System.Activator.CreateInstance(type)!;
        var increment = type.GetMethod("Increment")!;
        var gate = (SemaphoreSlim)type.GetField("Gate")!.GetValue(counter)!;
        increment.Invoke(counter, null);
        var free = gate.CurrentCount;

        gate.Wait(); // another holder takes the only slot
        string? timedOut = null;
        try
        {
            increment.Invoke(counter, null);
        }
        catch (System.Reflection.TargetInvocationException exception)
        {
            timedOut = exception.InnerException!.GetType().Name;
        }

        gate.Release();
        return (free, timedOut, (int)type.GetField("Count")!.GetValue(counter)!, gate.CurrentCount);
    }
}
