using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

/// <summary>Whether code reads a cancellation token that can actually be cancelled.</summary>
internal static class TokenObservation
{
    /// <summary>
    /// A token value that can actually be cancelled: not <c>default</c>, <c>CancellationToken.None</c> or
    /// <c>new CancellationToken()</c>.
    /// </summary>
    public static bool IsLiveToken(this KnownSymbols types, IOperation value)
    {
        value = value.WithoutConversions();
        if (!types.IsToken(value.Type))
        {
            return false;
        }

        return value switch
        {
            IDefaultValueOperation => false,
            IPropertyReferenceOperation { Property: { Name: "None", IsStatic: true } } => false,
            IObjectCreationOperation => false,
            _ => true,
        };
    }

    /// <summary>Whether the operation reads a live token or a source's cancellation state anywhere in its tree, nested functions included.</summary>
    public static bool ObservesToken(this KnownSymbols types, IOperation root) => ObservesToken(types, root, skipDetachedWork: false);

    /// <summary>
    /// Whether the loop itself reads a token. Work it starts (a lambda, a local function, the token handed to
    /// Task.Run) runs detached from it: a token read only there does not stop the loop. Nor does a token read only in
    /// the body of a <c>try</c> whose <c>catch</c> swallows the cancellation (<see cref="SwallowsCancellation"/>): the
    /// <c>OperationCanceledException</c> it throws never leaves the loop.
    /// </summary>
    public static bool LoopObservesToken(this KnownSymbols types, ILoopOperation loop) => ObservesToken(types, loop, skipDetachedWork: true);

    private static bool ObservesToken(KnownSymbols types, IOperation root, bool skipDetachedWork)
    {
        var pending = new Stack<IOperation>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            switch (operation)
            {
                case IAnonymousFunctionOperation or ILocalFunctionOperation when skipDetachedWork:
                    continue;
                case ITryOperation guarded when skipDetachedWork && SwallowsCancellation(guarded, types):
                    foreach (var handler in guarded.Catches)
                    {
                        pending.Push(handler);
                    }

                    if (guarded.Finally is { } @finally)
                    {
                        pending.Push(@finally);
                    }

                    continue;
                case IArgumentOperation { Parent: IInvocationOperation start } when skipDetachedWork && OwnsItsToken(start, types):
                    continue;
                case IParameterReferenceOperation or ILocalReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation or IInvocationOperation
                    when types.IsToken(operation.Type) && types.IsLiveToken(operation):
                    return true;
                case IPropertyReferenceOperation { Property.Name: "IsCancellationRequested" } property when types.IsTokenSource(property.Property.ContainingType):
                    return true;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }

        return false;
    }

    /// <summary>
    /// A catch without a filter that catches <c>OperationCanceledException</c> (it, a base such as <c>Exception</c>, a
    /// bare <c>catch</c>, or <c>TaskCanceledException</c>) and does not throw: a cancellation inside the try ends there.
    /// A catch that leaves the loop (<c>break</c>, <c>return</c>) is an exit the loop rules see on their own.
    /// </summary>
    private static bool SwallowsCancellation(ITryOperation guarded, KnownSymbols types)
    {
        foreach (var handler in guarded.Catches)
        {
            if (handler.Filter is null
                && (KnownSymbols.InheritsFrom(types.OperationCanceledException, handler.ExceptionType as INamedTypeSymbol) || KnownSymbols.InheritsFrom(handler.ExceptionType, types.OperationCanceledException))
                && !Throws(handler.Handler))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Throws(IOperation handler)
    {
        foreach (var operation in handler.Descendants())
        {
            if (operation is IThrowOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Task.Run, StartNew and ContinueWith: the token they get belongs to the task they start, not to the loop
    /// that starts it. (Narrower than every work start on purpose: the thread pool and threads take no token.)
    /// </summary>
    private static bool OwnsItsToken(IInvocationOperation start, KnownSymbols types) =>
        WorkStarts.Recognize(start, types) is { Kind: WorkStartKind.TaskRun or WorkStartKind.StartNew or WorkStartKind.Continuation };
}
