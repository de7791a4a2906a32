using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// BND1004's fix for an early return between the wait and an existing try/finally, run side by side with the original:
/// the same work happens, and the slot comes back on the early return too (the original kept it forever).
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
}
