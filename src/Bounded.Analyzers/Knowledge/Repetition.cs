using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers;

/// <summary>What makes an operation run once per item: a loop body or a per-element delegate.</summary>
internal readonly struct Repetition
{
    private Repetition(ILoopOperation? loop, IInvocationOperation? perElementCall, IAnonymousFunctionOperation? perElementLambda)
    {
        Loop = loop;
        PerElementCall = perElementCall;
        PerElementLambda = perElementLambda;
    }

    /// <summary>The loop whose body holds the operation.</summary>
    public ILoopOperation? Loop { get; }

    /// <summary>The call (<c>Select</c>, <c>List&lt;T&gt;.ForEach</c> …) that runs <see cref="PerElementLambda"/> per element.</summary>
    public IInvocationOperation? PerElementCall { get; }

    public IAnonymousFunctionOperation? PerElementLambda { get; }

    public bool Exists => Loop is not null || PerElementCall is not null;

    /// <summary>
    /// The nearest construct that repeats <paramref name="operation"/>. A lambda or local function on the way
    /// ends the search (it may not run per iteration) unless it is the delegate of a per-element call.
    /// </summary>
    public static Repetition Find(IOperation operation, KnownSymbols types)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case ILoopOperation loop when ReferenceEquals(loop.Body, child):
                    return new Repetition(loop, null, null);
                case IAnonymousFunctionOperation lambda:
                    return PerElementCallOf(lambda, types) is { } call ? new Repetition(null, call, lambda) : default;
                case ILocalFunctionOperation:
                case IMethodBodyOperation:
                case IConstructorBodyOperation:
                    return default;
            }
        }

        return default;
    }

    /// <summary>The call that invokes <paramref name="lambda"/> once per element of a sequence, if any.</summary>
    public static IInvocationOperation? PerElementCallOf(IAnonymousFunctionOperation lambda, KnownSymbols types)
    {
        var parent = lambda.ParentSkippingConversions();
        if (parent is not IArgumentOperation { Parent: IInvocationOperation call })
        {
            return null;
        }

        var method = call.TargetMethod;
        var name = method.Name;
        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        if (SymbolEqualityComparer.Default.Equals(type, types.Enumerable))
        {
            return name is "Select" or "SelectMany" ? call : null;
        }

        if (name == "ForEach"
            && (SymbolEqualityComparer.Default.Equals(type, types.List) || type.SpecialType == SpecialType.System_Array))
        {
            return call;
        }

        return null;
    }
}
