using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Bounded.Analyzers.Memory;

/// <summary>
/// Escape analysis for a freshly allocated array: can it be seen after the iteration (or call) that made it?
/// Conservative: any use it does not recognise counts as an escape, so the rule stays quiet.
/// </summary>
internal static class BufferFlow
{
    private const int MaxDepth = 8;

    /// <summary>
    /// Whether the array made by <paramref name="creation"/> may outlive <paramref name="region"/> (a loop body or a
    /// function body). <paramref name="local"/> is the local it is declared into, when it is.
    /// </summary>
    public static bool Escapes(IOperation creation, SyntaxNode region, KnownSymbols types, out ILocalSymbol? local)
    {
        local = null;
        var root = Root(creation);
        var state = new State(root, region.Span, types, creation.EnclosingFunction());
        var escapes = ValueEscapes(creation, state, 0);
        local = state.DeclaredLocal;
        return escapes;
    }

    /// <summary>The outermost operation of the member (method body, field initializer …).</summary>
    public static IOperation Root(IOperation operation)
    {
        var root = operation;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root;
    }

    private sealed class State
    {
        public State(IOperation root, TextSpan region, KnownSymbols types, IOperation? function)
        {
            Root = root;
            Region = region;
            Types = types;
            Function = function;
        }

        public IOperation Root { get; }
        public TextSpan Region { get; }
        public KnownSymbols Types { get; }
        public IOperation? Function { get; }
        public HashSet<ILocalSymbol> Visited { get; } = new(SymbolEqualityComparer.Default);
        public ILocalSymbol? DeclaredLocal { get; set; }
    }

    private static bool ValueEscapes(IOperation value, State state, int depth)
    {
        if (depth > MaxDepth)
        {
            return true;
        }

        var parent = value.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            value = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case null:
                return true;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                if (depth == 0)
                {
                    state.DeclaredLocal = declarator.Symbol;
                }

                return LocalEscapes(declarator.Symbol, state, depth);
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, value):
                if (assignment.Target is ILocalReferenceOperation target
                    && assignment.Parent is IExpressionStatementOperation
                    && DeclaredIn(target.Local, state.Region))
                {
                    return LocalEscapes(target.Local, state, depth);
                }

                return true; // a field, property, element, outer variable, or a chained assignment
            case IArgumentOperation argument:
                return ArgumentEscapes(argument, state, depth);
            case IInvocationOperation invocation when ReferenceEquals(invocation.Instance, value):
                return invocation.TargetMethod.Name is not ("CopyTo" or "Clone" or "GetLength" or "GetValue" or "SetValue" or "GetHashCode" or "ToString")
                    && ResultEscapes(invocation, state, depth);
            case IArrayElementReferenceOperation element:
                return !ReferenceEquals(element.ArrayReference, value);
            case IPropertyReferenceOperation property when ReferenceEquals(property.Instance, value):
                return false; // Length, LongLength, Rank
            case IExpressionStatementOperation:
            case IBinaryOperation:
            case IIsPatternOperation:
            case IIsTypeOperation:
            case IInterpolationOperation:
            case IForEachLoopOperation:
                return false;
            case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, value):
                return ValueEscapes(conditional, state, depth + 1);
            case ICoalesceOperation coalesce:
                return ValueEscapes(coalesce, state, depth + 1);
            default:
                return true; // returned, yielded, thrown, in a tuple, a collection, an initializer …
        }
    }

    private static bool LocalEscapes(ILocalSymbol local, State state, int depth)
    {
        if (local.IsRef || !DeclaredIn(local, state.Region))
        {
            return true;
        }

        if (!state.Visited.Add(local))
        {
            return false;
        }

        foreach (var operation in state.Root.Descendants())
        {
            if (operation is not ILocalReferenceOperation reference
                || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            if (reference.IsDeclaration)
            {
                continue;
            }

            // Captured by a lambda or local function: the closure may outlive the iteration.
            if (!ReferenceEquals(reference.EnclosingFunction(), state.Function))
            {
                return true;
            }

            if (reference.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference))
            {
                continue; // overwritten, not read
            }

            if (ValueEscapes(reference, state, depth + 1))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ArgumentEscapes(IArgumentOperation argument, State state, int depth)
    {
        var parameter = argument.Parameter;
        if (parameter is null || parameter.RefKind != RefKind.None && parameter.RefKind != RefKind.In)
        {
            return true;
        }

        // List<T>.Add(T), Queue<T>.Enqueue(T), ChannelWriter<T>.TryWrite(T), Task.FromResult<T>(T), object parameters:
        // the callee may keep the array.
        var declared = parameter.OriginalDefinition.Type;
        if (declared is ITypeParameterSymbol || declared.SpecialType == SpecialType.System_Object)
        {
            return true;
        }

        switch (argument.Parent)
        {
            case IInvocationOperation invocation:
                return NamePolicy.NamesKeepingCall(invocation.TargetMethod.Name) || ResultEscapes(invocation, state, depth);
            case IObjectCreationOperation creation:
                // new MemoryStream(buffer), new ArraySegment<byte>(buffer): the object keeps the array.
                return ValueEscapes(creation, state, depth + 1);
            default:
                return true;
        }
    }

    /// <summary>
    /// A call that was handed the array: it escapes when the call's result is a view of the array that escapes,
    /// or when the call is asynchronous and not awaited (the operation may still use the buffer).
    /// </summary>
    private static bool ResultEscapes(IInvocationOperation invocation, State state, int depth)
    {
        var returnType = invocation.TargetMethod.ReturnType;
        if (state.Types.IsView(returnType))
        {
            return ValueEscapes(invocation, state, depth + 1);
        }

        if (state.Types.IsTaskType(returnType) || state.Types.IsValueTaskType(returnType))
        {
            return !invocation.IsAwaited();
        }

        return false;
    }

    private static bool DeclaredIn(ILocalSymbol local, TextSpan region)
    {
        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            return region.Contains(reference.Span);
        }

        return false;
    }
}
