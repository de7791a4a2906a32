using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

/// <summary>Whether a started task is observed (awaited, waited for, its result read), and where.</summary>
internal static class Awaiting
{
    /// <summary><c>await call</c> or <c>await call.ConfigureAwait(…)</c>.</summary>
    public static bool IsAwaited(this IOperation call) => ConsumerOf(call) is IAwaitOperation;

    /// <summary>The <c>await</c> of <c>await call</c> or <c>await call.ConfigureAwait(…)</c>, else null.</summary>
    public static IAwaitOperation? AwaitOf(IOperation call) => ConsumerOf(call) as IAwaitOperation;

    /// <summary>The awaited operation, looking through <c>.ConfigureAwait(…)</c>: the inverse of <see cref="AwaitOf"/>.</summary>
    public static IOperation AwaitedCall(IAwaitOperation awaited)
    {
        var operation = awaited.Operation.WithoutConversions();
        return operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } ? configured.WithoutConversions() : operation;
    }

    /// <summary>What takes the task a call returns, looking through <c>.ConfigureAwait(…)</c> (which only wraps it).</summary>
    private static IOperation? ConsumerOf(IOperation call)
    {
        var parent = call.ParentSkippingConversions();
        if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && ReferenceEquals(configure.Instance?.WithoutConversions(), call))
        {
            parent = configure.ParentSkippingConversions();
        }

        return parent;
    }

    /// <summary>The task is awaited or waited for within the same iteration, so the loop is sequential.</summary>
    public static bool IsObservedInSameIteration(IOperation spawn, IOperation region, CancellationToken cancellationToken = default)
    {
        switch (ConsumerOf(spawn))
        {
            case IAwaitOperation:
            case IPropertyReferenceOperation { Property.Name: "Result" }:
            case IInvocationOperation { TargetMethod.Name: "Wait" or "GetAwaiter" or "Join" }:
                return true;
        }

        var holder = StoredInto(spawn);
        return holder is not null && IsDeclaredWithin(holder, region.Syntax) && IsAwaitedWithin(holder, region, cancellationToken);
    }

    /// <summary>The local that holds the task: <c>var t = Spawn()</c>, <c>t = Spawn()</c> or <c>tasks.Add(Spawn())</c>.</summary>
    public static ILocalSymbol? StoredInto(IOperation spawn)
    {
        var parent = spawn.ParentSkippingConversions();
        switch (parent)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return declarator.Symbol;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target }:
                return target.Local;
            case ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation array } }:
                return array.Local;
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Add" or "Enqueue" or "Push", Instance: ILocalReferenceOperation collection } }:
                return collection.Local;
        }

        return null;
    }

    private static bool IsDeclaredWithin(ISymbol symbol, SyntaxNode region)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (region.Span.Contains(reference.Span) && reference.SyntaxTree == region.SyntaxTree)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAwaitedWithin(ILocalSymbol local, IOperation region, CancellationToken cancellationToken)
    {
        foreach (var operation in region.Descendants())
        {
            cancellationToken.ThrowIfCancellationRequested(); // a loop body can be the size of a method
            var observed = operation switch
            {
                IAwaitOperation awaited => awaited.Operation,
                IInvocationOperation { TargetMethod.Name: "Wait" or "GetAwaiter" or "Join" } wait => wait.Instance,
                IInvocationOperation { TargetMethod.Name: "WaitAll" or "WhenAll" } all => all,
                IPropertyReferenceOperation { Property.Name: "Result" } result => result.Instance,
                _ => null,
            };

            if (observed is not null && References(observed, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="operation"/> or anything under it reads <paramref name="local"/>.</summary>
    public static bool References(IOperation operation, ILocalSymbol local)
    {
        foreach (var node in operation.DescendantsAndSelf())
        {
            if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                return true;
            }
        }

        return false;
    }
}
