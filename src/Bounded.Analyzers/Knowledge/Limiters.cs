using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

/// <summary>Whether work is gated by a limiter: a semaphore, a rate limiter, a bounded channel write, a <c>WhenAny</c> window.</summary>
internal static class Limiters
{
    /// <summary>
    /// A limiter is taken in the repeated region or inside the work itself: a semaphore wait, a rate-limiter
    /// lease, a bounded channel write, or a <c>WhenAny</c> window.
    /// </summary>
    public static bool IsGated(IOperation region, IOperation? work, KnownSymbols types, CancellationToken cancellationToken = default) =>
        ContainsLimiter(region, types, cancellationToken) || (work is not null && ContainsLimiter(work, types, cancellationToken));

    private static bool ContainsLimiter(IOperation root, KnownSymbols types, CancellationToken cancellationToken)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (operation is IInvocationOperation invocation && IsLimiterCall(invocation.TargetMethod, types))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLimiterCall(IMethodSymbol method, KnownSymbols types)
    {
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return false;
        }

        switch (method.Name)
        {
            case "Wait":
            case "WaitAsync":
                return types.IsWait(method); // the acquire the acquire/release analysis pairs with Release
            case "AcquireAsync":
            case "AttemptAcquire":
                return KnownSymbols.InheritsFrom(type, types.RateLimiter);
            case "WriteAsync":
            case "WaitToWriteAsync":
                return SymbolEqualityComparer.Default.Equals(type, types.ChannelWriter);
            case "WhenAny":
            case "WaitAny":
                return SymbolEqualityComparer.Default.Equals(type, types.Task);
            default:
                return false;
        }
    }
}
