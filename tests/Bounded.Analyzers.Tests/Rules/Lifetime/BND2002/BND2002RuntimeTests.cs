using System;
using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Bounded.CodeFixes.Lifetime;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>
/// BND2002's fix where no token is in scope, run side by side with the original: the method gets an optional token
/// the loop observes. Called as before (no token) it runs as the original did; given a token, cancelling it ends the
/// loop, which nothing could do before.
/// </summary>
public class BND2002RuntimeTests
{
    private const string Source = """
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Flusher
        {
            private readonly bool _running = true;
            public int Rounds;

            public async Task RunAsync()
            {
                while (_running)
                {
                    Interlocked.Increment(ref Rounds);
                    await Task.Delay(10);
                }
            }
        }
        """;

    [Fact]
    public async Task TheAddedTokenStopsTheLoopAndCallersWithoutOneSeeNoChange()
    {
        var fixedSource = await AppliedFix.ApplyAsync<EndlessLoopAnalyzer, EndlessLoopCodeFixProvider>(Source, RuleIds.LoopIgnoresCancellation, EndlessLoopCodeFixProvider.AddParameterKey);
        Assert.Contains("RunAsync(CancellationToken cancellationToken = default)", fixedSource);

        using var original = InMemoryAssembly.Compile(Source);
        using var fixedAssembly = InMemoryAssembly.Compile(fixedSource);

        // As before: without a token neither ends by itself, and both keep working.
        var before = Start(original, Array.Empty<object>(), out var beforeFlusher);
        var unchanged = Start(fixedAssembly, new object[] { CancellationToken.None }, out var unchangedFlusher);
        await Task.Delay(300);
        Assert.False(before.IsCompleted);
        Assert.False(unchanged.IsCompleted);
        Assert.True(Rounds(beforeFlusher) > 0 && Rounds(unchangedFlusher) > 0);

        // Given a token, cancelling it ends the loop.
        using var cts = new CancellationTokenSource();
        var stoppable = Start(fixedAssembly, new object[] { cts.Token }, out _);
        cts.CancelAfter(100);
        var finished = await Task.WhenAny(stoppable, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(stoppable, finished);
        Assert.True(stoppable.IsCanceled || stoppable.IsCompletedSuccessfully, stoppable.Status.ToString());

        // Let the two endless loops end (reflection can clear the readonly flag the analyzer relied on).
        Stop(beforeFlusher);
        Stop(unchangedFlusher);
        await Task.WhenAll(before, unchanged).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static void Stop(object flusher) =>
        flusher.GetType().GetField("_running", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.SetValue(flusher, false);

    private static Task Start(InMemoryAssembly assembly, object[] arguments, out object flusher)
    {
        var type = assembly.GetType("Flusher");
        flusher = Activator.CreateInstance(type)!;
        return (Task)type.GetMethod("RunAsync")!.Invoke(flusher, arguments)!;
    }

    private static int Rounds(object flusher) => (int)flusher.GetType().GetField("Rounds")!.GetValue(flusher)!;
}
