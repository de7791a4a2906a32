using System;
using System.Collections.Immutable;
using System.Threading;
using Bounded.Analyzers.AcquireRelease;
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
    /// <remarks>
    /// With <paramref name="spawn"/>, a semaphore slot the region takes before the spawn and gives back after it, in the
    /// region itself (not in a catch), does not gate the work: the slot is free again as soon as the work is started (see
    /// <see cref="EarlyRelease"/>).
    /// </remarks>
    public static bool IsGated(IOperation region, IOperation? work, KnownSymbols types, CancellationToken cancellationToken = default, IOperation? spawn = null) =>
        ContainsLimiter(region, types, cancellationToken, spawn)
        || (work is not null && (ContainsLimiter(work, types, cancellationToken, spawn: null) || CallsAGatedMethod(work, types, cancellationToken)));

    /// <summary>
    /// The work calls a method of the same file that takes a limiter itself (<c>Task.Run(() =&gt; RunRequest(…))</c> where
    /// <c>RunRequest</c> waits on the type's semaphore): the type is the limiter, one call deep.
    /// </summary>
    private static bool CallsAGatedMethod(IOperation work, KnownSymbols types, CancellationToken cancellationToken)
    {
        if (work.SemanticModel is not { } model)
        {
            return false;
        }

        foreach (var operation in work.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation call && IsGatedInside(call.TargetMethod, model, types, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The called method takes a limiter itself (the type is the rate limiter: <c>SendAsync</c> waits on the type's own
    /// semaphore). Read only for methods declared in <paramref name="model"/>'s tree, where the model can give their
    /// operations; one declared elsewhere counts as not gated.
    /// </summary>
    public static bool IsGatedInside(IMethodSymbol method, SemanticModel model, KnownSymbols types, CancellationToken cancellationToken)
    {
        foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                continue;
            }

            var body = reference.GetSyntax(cancellationToken) switch
            {
                BaseMethodDeclarationSyntax declaration => (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody,
                LocalFunctionStatementSyntax local => (SyntaxNode?)local.Body ?? local.ExpressionBody,
                _ => null,
            };
            if (body is not null && model.GetOperation(body, cancellationToken) is { } operation && ContainsLimiter(operation, types, cancellationToken, spawn: null))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The <c>Release()</c> that makes a gate limit starting, not running: the region waits on a semaphore before
    /// <paramref name="spawn"/> and releases it after the spawn, directly (not in a lambda or local function, which is
    /// where work or a continuation would release it, nor in a catch, which runs only when starting failed). Null when every semaphore wait before the spawn holds its slot
    /// for the work, or when there is none.
    /// </summary>
    public static IInvocationOperation? EarlyRelease(IOperation spawn, IOperation region, KnownSymbols types)
    {
        foreach (var operation in region.Descendants())
        {
            if (operation is IInvocationOperation wait && types.IsWait(wait.TargetMethod) && ReleasedAfterStarting(wait, spawn, region, types) is { } release)
            {
                return release;
            }
        }

        return null;
    }

    private static bool ContainsLimiter(IOperation root, KnownSymbols types, CancellationToken cancellationToken, IOperation? spawn)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (operation is IInvocationOperation invocation && IsLimiterCall(invocation.TargetMethod, types)
                && !(spawn is not null && types.IsWait(invocation.TargetMethod) && ReleasedAfterStarting(invocation, spawn, root, types) is not null))
            {
                return true;
            }
        }

        return false;
    }

    private static IInvocationOperation? ReleasedAfterStarting(IInvocationOperation wait, IOperation spawn, IOperation region, KnownSymbols types)
    {
        if (wait.Syntax.SpanStart >= spawn.Syntax.SpanStart || GateSymbol(wait.Instance) is not { } semaphore)
        {
            return null;
        }

        foreach (var operation in region.Descendants())
        {
            if (operation is IInvocationOperation { Arguments.Length: 0 } release
                && release.Syntax.SpanStart > spawn.Syntax.Span.End
                && types.IsRelease(release.TargetMethod)
                && SymbolEqualityComparer.Default.Equals(GateSymbol(release.Instance), semaphore)
                && !IsInNestedFunctionOrCatch(release, region))
            {
                return release;
            }
        }

        return null;
    }

    /// <summary>The semaphore's local, parameter or field, or a property of this object or a static one (<c>Gate.WaitAsync()</c>).</summary>
    private static ISymbol? GateSymbol(IOperation? instance) =>
        AcquireReleaseAnalysis.SemaphoreSymbol(instance)
        ?? (instance?.WithoutConversions() is IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property ? property.Property : null);

    /// <summary>In a lambda or local function (the work's or a continuation's release), or in a catch (the start failed).</summary>
    private static bool IsInNestedFunctionOrCatch(IOperation operation, IOperation region)
    {
        for (var parent = operation.Parent; parent is not null && !ReferenceEquals(parent, region); parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation or ICatchClauseOperation)
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
