using System;
using System.Threading;
using System.Threading.Tasks;

namespace Showcase;

/// <summary>The BND2xxx patterns: detached work without a token, loops that ignore cancellation, leaked linked sources.</summary>
public static class Lifetime
{
    public static async Task RunAsync()
    {
        using var shutdown = new CancellationTokenSource();
        Refresh(shutdown.Token);
        RefreshWithToken(shutdown.Token);
        var pump = PumpAsync(shutdown.Token);
        var bounded = PumpWithTokenAsync(shutdown.Token);
        Console.WriteLine(await WithBudgetAsync(shutdown.Token));
        Console.WriteLine(await WithBudgetDisposedAsync(shutdown.Token));
        shutdown.Cancel();
        try
        {
            await bounded;
        }
        catch (OperationCanceledException)
        {
        }

        // The pump ignores the token: it is still running here, and only the process exit ends it.
        Console.WriteLine("pump still running after shutdown: " + !pump.IsCompleted);
    }

    private static Task SaveAsync(string what, CancellationToken cancellationToken = default) => Task.Delay(10, cancellationToken);

    // BND2001: the saved work is detached and receives no token, although one is in scope.
    private static void Refresh(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => SaveAsync("cache"));
    }

    // Not reported: the token reaches Task.Run and the call inside.
    private static void RefreshWithToken(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => SaveAsync("cache", cancellationToken), cancellationToken);
    }

    // BND2002: a background loop with no exit that never looks at the token.
    private static async Task PumpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(50);
        }
    }

    // Not reported: the loop observes the token and passes it on.
    private static async Task PumpWithTokenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    // BND2003: a linked source with a timeout that is never disposed: its registration stays on the parent token.
    private static async Task<string> WithBudgetAsync(CancellationToken cancellationToken)
    {
        var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(5));
        await Task.Delay(10, budget.Token);
        return "done within budget";
    }

    // Not reported: the same source under using.
    private static async Task<string> WithBudgetDisposedAsync(CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(5));
        await Task.Delay(10, budget.Token);
        return "done within budget, source disposed";
    }
}
