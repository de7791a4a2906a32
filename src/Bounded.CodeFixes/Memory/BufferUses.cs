using System.Collections.Generic;
using System.Collections.Immutable;
using Bounded.Analyzers;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Memory;

/// <summary>How one reference to the buffer has to change when the array is pooled or becomes a span.</summary>
internal enum UseRewrite
{
    /// <summary>Stays as written.</summary>
    None,

    /// <summary><c>buffer.Length</c>: the requested length.</summary>
    Length,

    /// <summary>The whole array converts to a span: <c>buffer.AsSpan(0, length)</c>.</summary>
    SpanSlice,

    /// <summary>The whole array converts to a memory: <c>buffer.AsMemory(0, length)</c>.</summary>
    MemorySlice,

    /// <summary>The whole array converts to an ArraySegment: <c>new ArraySegment&lt;T&gt;(buffer, 0, length)</c>.</summary>
    SegmentSlice,

    /// <summary>A whole-array argument of a call that has an (array, offset, count) overload: <c>(buffer, 0, length)</c>.</summary>
    InsertRange,

    /// <summary><c>buffer.AsSpan()</c> / <c>AsMemory()</c> without arguments.</summary>
    ViewWithoutArguments,

    /// <summary><c>buffer.AsSpan(start)</c> / <c>AsMemory(start)</c>.</summary>
    ViewFromStart,

    /// <summary><c>buffer.AsSpan(start, count)</c> / <c>AsMemory(start, count)</c>.</summary>
    ViewWithRange,

    /// <summary>
    /// <c>(buffer, offset, count)</c> arguments of a call that has a span overload in their place: a stack buffer passes
    /// <c>buffer.Slice(offset, count)</c> to that overload.
    /// </summary>
    SpanRange,
}

internal readonly struct BufferUse
{
    public BufferUse(ILocalReferenceOperation reference, UseRewrite rewrite, SyntaxNode node, IMethodSymbol? spanOverload = null)
    {
        Reference = reference;
        Rewrite = rewrite;
        Node = node;
        SpanOverload = spanOverload;
    }

    public ILocalReferenceOperation Reference { get; }
    public UseRewrite Rewrite { get; }

    /// <summary>The node to rewrite: the member access for Length, the invocation for views, the argument for ranges, the reference otherwise.</summary>
    public SyntaxNode Node { get; }

    /// <summary>For <see cref="UseRewrite.SpanRange"/>: the overload the slice binds to (every target must have it).</summary>
    public IMethodSymbol? SpanOverload { get; }
}

/// <summary>
/// Every use of a local buffer, and what the fixes may do with it: whether it can be pooled (every whole-array use
/// can be bounded to the requested length), become a span, and whether it must be cleared where it was allocated
/// because the code may read bytes it did not write in the same iteration (<c>new</c> returned zeroed memory).
/// </summary>
internal sealed class BufferUses
{
    private BufferUses()
    {
    }

    public List<BufferUse> Uses { get; } = new();
    public bool CanPool { get; private set; } = true;
    public bool CanStackalloc { get; private set; } = true;
    public bool NeedsClear { get; private set; }

    public static BufferUses Analyze(ILocalSymbol local, IOperation root, LocalDeclarationStatementSyntax declaration, KnownSymbols types, bool zeroed)
    {
        var result = new BufferUses();
        var fills = new List<IInvocationOperation>();
        var reads = new List<(IOperation Argument, IOperation? Count)>();
        foreach (var operation in root.Descendants())
        {
            if (operation is not ILocalReferenceOperation reference
                || reference.IsDeclaration
                || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            result.Classify(reference, types, fills, reads);
        }

        if (zeroed && reads.Count > 0 && !FilledWholeFirst(local, declaration, root))
        {
            var counts = CountLocals(fills, root);
            foreach (var (_, count) in reads)
            {
                if (count is not ILocalReferenceOperation countLocal || !counts.Contains(countLocal.Local))
                {
                    result.NeedsClear = true;
                    break;
                }
            }
        }

        return result;
    }

    private void Classify(ILocalReferenceOperation reference, KnownSymbols types, List<IInvocationOperation> fills, List<(IOperation, IOperation?)> reads)
    {
        IOperation value = reference;
        var parent = reference.Parent;
        switch (parent)
        {
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, reference):
                Fail(); // the local is overwritten
                return;
            case IPropertyReferenceOperation { Property.Name: "Length" } length:
                Uses.Add(new BufferUse(reference, UseRewrite.Length, length.Syntax));
                return;
            case IArrayElementReferenceOperation element:
                if (!(element.Parent is ISimpleAssignmentOperation write && ReferenceEquals(write.Target, element)))
                {
                    reads.Add((element, null));
                }

                return;
            case IForEachLoopOperation:
                CanPool = false;
                reads.Add((reference, null));
                return;
            case IConversionOperation { IsImplicit: true, Type.SpecialType: SpecialType.System_Array, Parent: IArgumentOperation } asArray:
                // Array.Copy(buffer, …): still the array itself, typed as System.Array
                value = asArray;
                parent = asArray.Parent;
                break;
            case IConversionOperation conversion when conversion.IsImplicit:
                var rewrite = types.IsSpan(conversion.Type) ? UseRewrite.SpanSlice
                    : types.IsMemory(conversion.Type) ? UseRewrite.MemorySlice
                    : conversion.Type.IsType(types.ArraySegment) ? UseRewrite.SegmentSlice
                    : (UseRewrite?)null;
                if (rewrite is null)
                {
                    Fail();
                    return;
                }

                if (rewrite != UseRewrite.SpanSlice)
                {
                    CanStackalloc = false;
                }

                Uses.Add(new BufferUse(reference, rewrite.Value, reference.Syntax));
                value = conversion;
                parent = conversion.Parent;
                break;
        }

        if (!ReferenceEquals(value, reference) && parent is not IArgumentOperation)
        {
            reads.Add((value, null)); // Span<byte> span = buffer; the span's uses are not followed
            return;
        }

        if (parent is not IArgumentOperation argument || argument.Parameter is not { } parameter)
        {
            Fail();
            return;
        }

        if (argument.Parent is not (IInvocationOperation or IObjectCreationOperation))
        {
            Fail();
            return;
        }

        var call = argument.Parent;
        var method = call is IInvocationOperation invocation ? invocation.TargetMethod : ((IObjectCreationOperation)call).Constructor;
        if (method is null)
        {
            Fail();
            return;
        }

        // buffer.AsSpan(...) / buffer.AsMemory(...)
        if (call is IInvocationOperation { TargetMethod.IsExtensionMethod: true } view
            && method.Name is "AsSpan" or "AsMemory"
            && parameter.Ordinal == 0
            && view.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax })
        {
            ClassifyView(reference, view, method, fills, reads);
            return;
        }

        if (ReferenceEquals(value, reference) || value.Type?.SpecialType == SpecialType.System_Array)
        {
            // The array itself is passed: an (array, offset, count) or (array, index) parameter is bounded by the call.
            var next = NextIntParameters(method, parameter.Ordinal);
            if (next == 2 && SpanOverload(method, parameter.Ordinal, call) is { } spanOverload && !HasNamedArguments(call))
            {
                Uses.Add(new BufferUse(reference, UseRewrite.SpanRange, argument.Syntax, spanOverload));
            }
            else
            {
                CanStackalloc = false;
            }

            if (next == 0)
            {
                if (HasRangeOverload(method, parameter.Ordinal, call) && !HasNamedArguments(call))
                {
                    Uses.Add(new BufferUse(reference, UseRewrite.InsertRange, argument.Syntax));
                }
                else
                {
                    CanPool = false;
                }
            }
        }

        NoteCall(call, method, argument, value, fills, reads);
    }

    private void ClassifyView(ILocalReferenceOperation reference, IInvocationOperation view, IMethodSymbol method, List<IInvocationOperation> fills, List<(IOperation, IOperation?)> reads)
    {
        var arguments = view.Arguments;
        UseRewrite rewrite;
        if (arguments.Length == 1)
        {
            rewrite = UseRewrite.ViewWithoutArguments;
        }
        else if (arguments.Length == 2 && arguments[1].Value.Type?.SpecialType == SpecialType.System_Int32 && IsSimple(arguments[1].Value))
        {
            rewrite = UseRewrite.ViewFromStart;
        }
        else if (arguments.Length == 3 && arguments[1].Value.Type?.SpecialType == SpecialType.System_Int32)
        {
            rewrite = UseRewrite.ViewWithRange;
        }
        else
        {
            Fail();
            return;
        }

        if (method.Name == "AsMemory")
        {
            CanStackalloc = false;
        }

        Uses.Add(new BufferUse(reference, rewrite, view.Syntax));

        // The view flows on: into a fill call (writes), or a call that reads it.
        var parent = view.Parent;
        IOperation value = view;
        while (parent is IConversionOperation)
        {
            value = parent;
            parent = parent.Parent;
        }

        var start = rewrite is UseRewrite.ViewFromStart or UseRewrite.ViewWithRange ? arguments[1].Value : null;
        var count = rewrite == UseRewrite.ViewWithRange ? arguments[2].Value : null;
        var fromZero = start is null || start.ConstantValue is { HasValue: true, Value: 0 };
        if (parent is IArgumentOperation { Parent: IInvocationOperation consumer } && fromZero && IsPrefixFill(consumer.TargetMethod))
        {
            fills.Add(consumer);
            return;
        }

        if (parent is IArgumentOperation { Parent: IInvocationOperation whole } && fromZero && count is null && NamePolicy.WholeFillMethods.Contains(whole.TargetMethod.Name))
        {
            return;
        }

        reads.Add((view, fromZero ? count : null));
    }

    /// <summary>Records whether the call writes the buffer (a fill) or reads it, and with which count.</summary>
    private static void NoteCall(IOperation call, IMethodSymbol method, IArgumentOperation argument, IOperation value, List<IInvocationOperation> fills, List<(IOperation, IOperation?)> reads)
    {
        var arguments = call is IInvocationOperation invocation ? invocation.Arguments : ((IObjectCreationOperation)call).Arguments;
        IOperation? offset = null;
        IOperation? count = null;
        var ordinal = argument.Parameter!.Ordinal;
        var copy = IsArrayCopy(method);
        if (copy && ordinal == 2)
        {
            return; // the destination of a copy is written, not read
        }

        var countOrdinal = copy ? 4 : ordinal + 2;
        foreach (var other in arguments)
        {
            if (other.Parameter?.Ordinal == ordinal + 1)
            {
                offset = other.Value;
            }
            else if (other.Parameter?.Ordinal == countOrdinal)
            {
                count = other.Value;
            }
        }

        var fromZero = offset is null || offset.Type?.SpecialType != SpecialType.System_Int32 || offset.ConstantValue is { HasValue: true, Value: 0 };
        if (call is IInvocationOperation fill && fromZero && IsPrefixFill(method))
        {
            fills.Add(fill);
            return;
        }

        if (NamePolicy.WholeFillMethods.Contains(method.Name) && (offset is null || offset.Type?.SpecialType != SpecialType.System_Int32))
        {
            return;
        }

        if (argument.Parameter.RefKind == RefKind.None && method.Name == "TryWriteBytes")
        {
            return;
        }

        reads.Add((value, fromZero && count?.Type?.SpecialType == SpecialType.System_Int32 ? count.WithoutConversions() : null));
    }

    /// <summary><c>Array.Copy</c> / <c>Buffer.BlockCopy(source, sourceIndex, destination, destinationIndex, length)</c>.</summary>
    private static bool IsArrayCopy(IMethodSymbol method) =>
        method is { IsStatic: true, Parameters.Length: 5, ContainingType: { } type }
        && (type.SpecialType == SpecialType.System_Array || type is { Name: "Buffer", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
        && method.Parameters[0].Type.SpecialType == SpecialType.System_Array
        && method.Parameters[1].Type.SpecialType == SpecialType.System_Int32
        && method.Parameters[2].Type.SpecialType == SpecialType.System_Array
        && method.Parameters[3].Type.SpecialType == SpecialType.System_Int32
        && method.Parameters[4].Type.SpecialType == SpecialType.System_Int32;

    private static bool IsPrefixFill(IMethodSymbol method) =>
        NamePolicy.PrefixFillMethods.Contains(method.Name) && method.ReturnType.SpecialType is SpecialType.System_Int32 or SpecialType.System_Void
        || NamePolicy.PrefixFillMethods.Contains(method.Name) && method.ReturnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic && generic.TypeArguments[0].SpecialType == SpecialType.System_Int32;

    /// <summary>Locals that hold the count returned by a fill of this buffer, and are written nowhere else.</summary>
    private static HashSet<ILocalSymbol> CountLocals(List<IInvocationOperation> fills, IOperation root)
    {
        var counts = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        foreach (var fill in fills)
        {
            var parent = fill.Parent;
            while (parent is IConversionOperation or IAwaitOperation or IParenthesizedOperation
                || parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" })
            {
                parent = parent.Parent;
            }

            if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
            {
                counts.Add(declarator.Symbol);
            }
            else if (parent is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target })
            {
                counts.Add(target.Local);
            }
        }

        if (counts.Count == 0)
        {
            return counts;
        }

        // Any other write (n += …, n = 10, ref n) makes the count untrustworthy.
        foreach (var operation in root.Descendants())
        {
            ILocalSymbol? written = null;
            IOperation? writtenValue = null;
            switch (operation)
            {
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                    written = target.Local;
                    writtenValue = assignment.Value;
                    break;
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                    written = declarator.Symbol;
                    writtenValue = initializer.Value;
                    break;
                case ICompoundAssignmentOperation { Target: ILocalReferenceOperation target }:
                    written = target.Local;
                    break;
                case IIncrementOrDecrementOperation { Target: ILocalReferenceOperation target }:
                    written = target.Local;
                    break;
                case IArgumentOperation { Value: ILocalReferenceOperation target, Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                    written = target.Local;
                    break;
            }

            if (written is null || !counts.Contains(written))
            {
                continue;
            }

            var source = writtenValue;
            while (source is IConversionOperation or IAwaitOperation or IParenthesizedOperation)
            {
                source = source switch
                {
                    IConversionOperation c => c.Operand,
                    IAwaitOperation a => a.Operation,
                    IParenthesizedOperation p => p.Operand,
                    _ => source,
                };
                if (source is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance })
                {
                    source = instance;
                }
            }

            if (source is not IInvocationOperation call || !fills.Contains(call))
            {
                counts.Remove(written);
            }
        }

        return counts;
    }

    /// <summary>The statement right after the declaration fills the whole buffer (<c>ReadExactly(buffer)</c> …).</summary>
    private static bool FilledWholeFirst(ILocalSymbol local, LocalDeclarationStatementSyntax declaration, IOperation root)
    {
        if (declaration.Parent is not BlockSyntax block)
        {
            return false;
        }

        var index = block.Statements.IndexOf(declaration);
        if (index < 0 || index + 1 >= block.Statements.Count || block.Statements[index + 1] is not ExpressionStatementSyntax next)
        {
            return false;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is IInvocationOperation call
                && next.Span.Contains(call.Syntax.Span)
                && NamePolicy.WholeFillMethods.Contains(call.TargetMethod.Name))
            {
                var arguments = call.Arguments;
                foreach (var argument in arguments)
                {
                    if (argument.Value.WithoutConversions() is ILocalReferenceOperation reference
                        && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    {
                        // ReadExactly(buffer) or ReadExactly(buffer, 0, buffer.Length)
                        return NextIntParameters(call.TargetMethod, argument.Parameter?.Ordinal ?? -1) == 0
                            || arguments.Length >= 3 && arguments[1].Value.ConstantValue is { HasValue: true, Value: 0 }
                               && arguments[2].Value is IPropertyReferenceOperation { Property.Name: "Length", Instance: ILocalReferenceOperation lengthOf }
                               && SymbolEqualityComparer.Default.Equals(lengthOf.Local, local);
                    }
                }
            }
        }

        return false;
    }

    /// <summary>How many int parameters follow the array parameter (2: offset and count, 1: a start index).</summary>
    private static int NextIntParameters(IMethodSymbol method, int ordinal)
    {
        var count = 0;
        for (var i = ordinal + 1; i < method.Parameters.Length && i <= ordinal + 2; i++)
        {
            if (method.Parameters[i].Type.SpecialType != SpecialType.System_Int32)
            {
                break;
            }

            count++;
        }

        return count;
    }

    /// <summary>An overload with two int parameters (offset, count) inserted after the array parameter.</summary>
    internal static bool HasRangeOverload(IMethodSymbol method, int ordinal, IOperation call)
    {
        if (call is IInvocationOperation { TargetMethod.IsExtensionMethod: true })
        {
            return false;
        }

        var candidates = method.MethodKind == MethodKind.Constructor ? method.ContainingType.InstanceConstructors : GetMembers(method);
        foreach (var candidate in candidates)
        {
            if (candidate.IsStatic != method.IsStatic || candidate.Parameters.Length != method.Parameters.Length + 2)
            {
                continue;
            }

            var matches = true;
            for (var i = 0; i < candidate.Parameters.Length && matches; i++)
            {
                var expected = i <= ordinal ? method.Parameters[i].Type
                    : i <= ordinal + 2 ? null
                    : method.Parameters[i - 2].Type;
                matches = expected is null
                    ? candidate.Parameters[i].Type.SpecialType == SpecialType.System_Int32
                    : SymbolEqualityComparer.Default.Equals(candidate.Parameters[i].Type, expected);
            }

            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The overload that takes a <c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c> where this one takes
    /// <c>(T[] array, int offset, int count)</c>, every other parameter and the return type the same
    /// (<c>GetString(bytes, index, count)</c> and <c>GetString(ReadOnlySpan&lt;byte&gt;)</c>).
    /// </summary>
    private static IMethodSymbol? SpanOverload(IMethodSymbol method, int ordinal, IOperation call)
    {
        if (call is not IInvocationOperation { TargetMethod.IsExtensionMethod: false }
            || method.Parameters[ordinal].Type is not IArrayTypeSymbol { Rank: 1 } array)
        {
            return null;
        }

        foreach (var candidate in GetMembers(method))
        {
            if (candidate.IsStatic != method.IsStatic
                || candidate.Parameters.Length != method.Parameters.Length - 2
                || !SymbolEqualityComparer.Default.Equals(candidate.ReturnType, method.ReturnType)
                || candidate.Parameters[ordinal].Type is not INamedTypeSymbol { TypeArguments.Length: 1, Name: "Span" or "ReadOnlySpan", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } span
                || !SymbolEqualityComparer.Default.Equals(span.TypeArguments[0], array.ElementType))
            {
                continue;
            }

            var matches = candidate.Parameters[ordinal].RefKind == RefKind.None;
            for (var i = 0; i < candidate.Parameters.Length && matches; i++)
            {
                if (i != ordinal)
                {
                    var original = method.Parameters[i < ordinal ? i : i + 2];
                    matches = original.RefKind == candidate.Parameters[i].RefKind && SymbolEqualityComparer.Default.Equals(original.Type, candidate.Parameters[i].Type);
                }
            }

            if (matches)
            {
                return candidate;
            }
        }

        return null;
    }

    private static IEnumerable<IMethodSymbol> GetMembers(IMethodSymbol method)
    {
        for (var type = method.ContainingType; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers(method.Name))
            {
                if (member is IMethodSymbol candidate)
                {
                    yield return candidate;
                }
            }
        }
    }

    private static bool HasNamedArguments(IOperation call)
    {
        var list = call.Syntax switch
        {
            InvocationExpressionSyntax invocation => invocation.ArgumentList,
            BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
            _ => null,
        };
        if (list is null)
        {
            return true;
        }

        foreach (var argument in list.Arguments)
        {
            if (argument.NameColon is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSimple(IOperation operation) =>
        operation.ConstantValue.HasValue || operation is ILocalReferenceOperation or IParameterReferenceOperation;

    private void Fail()
    {
        CanPool = false;
        CanStackalloc = false;
        NeedsClear = true;
    }
}
