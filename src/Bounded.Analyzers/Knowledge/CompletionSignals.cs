using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

/// <summary>
/// Work that only completes a signal: <c>Task.Run(() => tcs.TrySetResult(result))</c>, a semaphore's <c>Release()</c>, an
/// event's <c>Set()</c>. It wakes a waiter off the caller's thread, holds no resource and runs for microseconds; how many
/// there are is bounded by the requests already waiting. A throttle would only delay the waiters (issue #13, class 1).
/// </summary>
internal static class CompletionSignals
{
    /// <summary>The delegate handed to the start is a lambda whose every statement completes a signal.</summary>
    public static bool IsOnlyASignal(IOperation? work, KnownSymbols types)
    {
        if (work?.WithoutConversions() is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Body: var body } })
        {
            return false;
        }

        var signals = 0;
        foreach (var statement in body.Operations)
        {
            var value = statement switch
            {
                IExpressionStatementOperation expression => expression.Operation,
                IReturnOperation { ReturnedValue: { } returned } => returned,
                IReturnOperation => null,
                _ => statement,
            };
            if (value is null)
            {
                continue;
            }

            if (value.WithoutConversions() is not IInvocationOperation call || !IsSignal(call.TargetMethod, types))
            {
                return false;
            }

            signals++;
        }

        return signals > 0;
    }

    private static bool IsSignal(IMethodSymbol method, KnownSymbols types)
    {
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type, types.TaskCompletionSource) || SymbolEqualityComparer.Default.Equals(type, types.GenericTaskCompletionSource))
        {
            return method.Name.StartsWith("TrySet", System.StringComparison.Ordinal) || method.Name.StartsWith("Set", System.StringComparison.Ordinal);
        }

        return types.IsRelease(method)
            || (method.Name == "Set" && (KnownSymbols.InheritsFrom(type, types.EventWaitHandle) || KnownSymbols.InheritsFrom(type, types.ManualResetEventSlim)));
    }
}
