using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Memory;

/// <summary>BND3001: a byte array allocated again and again — per loop iteration, per call of a hot member, per Stream call, or on the LOH.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HotPathArrayAllocationAnalyzer : DiagnosticAnalyzer
{
    public const string LoopContext = "Loop";
    public const string CalledInLoopContext = "CalledInLoop";
    public const string ElementContext = "Element";
    public const string HotMemberContext = "HotMember";
    public const string StreamContext = "Stream";
    public const string LargeObjectContext = "LargeObject";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.HotPathByteArray,
        title: "Byte array allocated in a hot path",
        message: "'{0}' allocates a new array {1}; reuse it, rent it from ArrayPool or use stackalloc",
        RuleCategories.Memory,
        DiagnosticSeverity.Info,
        description: "A temporary buffer allocated per loop iteration, per message or per call turns into short-lived garbage, "
            + "gen-0 and gen-2 collections and, at 85,000 bytes and more, Large Object Heap churn. Allocate it once before the "
            + "loop, rent it from ArrayPool<T>.Shared and return it in finally, or use stackalloc for small constant sizes.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            var settings = new ConcurrentDictionary<SyntaxTree, MemorySettings>();
            var provider = start.Options.AnalyzerConfigOptionsProvider;
            Func<SyntaxTree, MemorySettings> read = tree => MemoryOptions.Read(provider, tree);
            start.RegisterOperationAction(c => AnalyzeArrayCreation(c, types, settings.GetOrAdd(c.Operation.Syntax.SyntaxTree, read)), OperationKind.ArrayCreation);
            if (types.GC is not null)
            {
                start.RegisterOperationAction(c => AnalyzeInvocation(c, types, settings.GetOrAdd(c.Operation.Syntax.SyntaxTree, read)), OperationKind.Invocation);
            }
        });
    }

    private static void AnalyzeArrayCreation(OperationAnalysisContext context, KnownSymbols types, MemorySettings settings)
    {
        var creation = (IArrayCreationOperation)context.Operation;
        if (creation.DimensionSizes.Length != 1 || creation.Initializer is not null || creation.Type is not IArrayTypeSymbol { Rank: 1 } arrayType)
        {
            return;
        }

        Analyze(context, types, settings, creation, arrayType.ElementType, creation.DimensionSizes[0]);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownSymbols types, MemorySettings settings)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name is not ("AllocateUninitializedArray" or "AllocateArray")
            || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.GC)
            || method.TypeArguments.Length != 1
            || invocation.Arguments.Length == 0)
        {
            return;
        }

        IOperation? size = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                size = argument.Value;
            }
        }

        if (size is not null)
        {
            Analyze(context, types, settings, invocation, method.TypeArguments[0], size);
        }
    }

    /// <summary>The allocation's context (one of the *Context constants), or null when it is not reported.</summary>
    internal static string? Classify(IOperation allocation, ITypeSymbol elementType, IOperation size, ISymbol containingSymbol, MemorySettings settings, KnownSymbols types, out SyntaxNode? region)
    {
        region = null;
        if (!MemoryOptions.IsPooledElement(settings.PooledElementTypes, elementType))
        {
            return null;
        }

        long? bytes = null;
        if (size.ConstantValue is { HasValue: true, Value: int count })
        {
            if (count <= 0)
            {
                return null; // new byte[0]: use Array.Empty, not this rule
            }

            bytes = (long)count * ElementSize(elementType);
        }

        var function = allocation.EnclosingFunction();
        var functionBody = function?.Syntax;
        string? where = null;
        var repetition = Repetition.Find(allocation, types);
        if (repetition.Exists && (bytes is null || size.ConstantValue.Value is int c && c >= settings.MinArraySize)
            && !PerItemBounds.IsBoundedRepetition(repetition, settings.SmallLoopLimit, types))
        {
            if (repetition.Loop is { } loop)
            {
                if (SpawnSites.ExitsAfter(allocation.Syntax, loop.Body.Syntax))
                {
                    return null;
                }

                where = LoopContext;
                region = loop.Body.Syntax;
            }
            else
            {
                where = ElementContext;
                region = repetition.PerElementLambda!.Body.Syntax;
            }
        }
        else if (repetition.Loop is null && repetition.PerElementCall is null
            && function is ILocalFunctionOperation localFunction
            && (bytes is null || size.ConstantValue.Value is int l && l >= settings.MinArraySize)
            && IsCalledInLoop(localFunction, BufferFlow.Root(allocation), types))
        {
            where = CalledInLoopContext; // a local function declared in the method and called once per iteration
        }
        else if (IsHotMember(containingSymbol, settings))
        {
            where = HotMemberContext;
        }
        else if (IsStreamOverride(containingSymbol, types))
        {
            where = StreamContext;
        }
        else if (bytes >= MemoryOptions.LargeObjectThreshold && IsPerCall(containingSymbol, allocation))
        {
            where = LargeObjectContext;
        }

        if (where is null)
        {
            return null;
        }

        region ??= functionBody;
        if (region is null || IsAllocatedOnlyWhenTooShort(allocation, size) || BufferFlow.Escapes(allocation, region, types, out _))
        {
            return null;
        }

        return where;
    }

    /// <summary>
    /// The oversize branch of a conditional: the array is made only when its size exceeds a buffer's <c>Length</c>
    /// (<c>if (header.Length &lt; HeaderLength) { var larger = new byte[HeaderLength]; ... }</c>), or a constant while the
    /// other branch hands out a buffer that exists already (<c>n &lt;= 128 ? scratch[..n] : new byte[n]</c>): the grow
    /// path of a reused buffer rather than every call.
    /// </summary>
    private static bool IsAllocatedOnlyWhenTooShort(IOperation allocation, IOperation size)
    {
        var sizeSyntax = size.WithoutConversions().Syntax;
        for (var child = allocation; child.Parent is { } parent; child = parent)
        {
            if (parent is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or IMethodBodyOperation)
            {
                return false;
            }

            if (parent is IConditionalOperation { Condition: var condition } conditional
                && condition.WithoutConversions() is IBinaryOperation comparison
                && (ReferenceEquals(conditional.WhenTrue, child) || ReferenceEquals(conditional.WhenFalse, child)))
            {
                var allocatedWhenTrue = ReferenceEquals(conditional.WhenTrue, child);
                var bound = OversizeBound(comparison, sizeSyntax, allocatedWhenTrue);
                var other = allocatedWhenTrue ? conditional.WhenFalse : conditional.WhenTrue;
                if (bound is IPropertyReferenceOperation { Property.Name: "Length" }
                    || (bound is { ConstantValue.HasValue: true } && other is not null && !Allocates(other)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>What <paramref name="comparison"/> compares the size with, when the allocating branch runs only while the size is larger.</summary>
    private static IOperation? OversizeBound(IBinaryOperation comparison, SyntaxNode sizeSyntax, bool allocatedWhenTrue)
    {
        var sizeOnLeft = comparison.LeftOperand.WithoutConversions().Syntax.IsEquivalentTo(sizeSyntax, topLevel: false);
        var sizeOnRight = !sizeOnLeft && comparison.RightOperand.WithoutConversions().Syntax.IsEquivalentTo(sizeSyntax, topLevel: false);
        if (!sizeOnLeft && !sizeOnRight)
        {
            return null;
        }

        bool sizeLargerWhenTrue;
        switch (comparison.OperatorKind)
        {
            case BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual:
                sizeLargerWhenTrue = sizeOnLeft;
                break;
            case BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual:
                sizeLargerWhenTrue = sizeOnRight;
                break;
            default:
                return null;
        }

        return sizeLargerWhenTrue == allocatedWhenTrue ? (sizeOnLeft ? comparison.RightOperand : comparison.LeftOperand).WithoutConversions() : null;
    }

    private static bool Allocates(IOperation operation)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (descendant is IArrayCreationOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static void Analyze(OperationAnalysisContext context, KnownSymbols types, MemorySettings settings, IOperation allocation, ITypeSymbol elementType, IOperation size)
    {
        var where = Classify(allocation, elementType, size, context.ContainingSymbol, settings, types, out _);
        if (where is null)
        {
            return;
        }

        var text = where switch
        {
            LoopContext => "on every iteration of this loop",
            ElementContext => "for every element",
            CalledInLoopContext => "on every call of local function '" + (allocation.EnclosingFunction() is ILocalFunctionOperation f ? f.Symbol.Name : "?") + "', which a loop calls",
            HotMemberContext => "on every call of hot member '" + context.ContainingSymbol.Name + "'",
            StreamContext => "on every call of this Stream override",
            _ => "of " + (size.ConstantValue.Value is int n ? ((long)n * ElementSize(elementType)).ToString("N0", CultureInfo.InvariantCulture) : "?") + " bytes on the Large Object Heap on every call",
        };
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Context, where);
        context.ReportDiagnostic(Diagnostic.Create(Rule, allocation.Syntax.GetLocation(), properties, Shorten(allocation.Syntax.ToString()), text));
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text.Substring(0, 57) + "...";

    internal static int ElementSize(ITypeSymbol element) => element.SpecialType switch
    {
        SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Boolean => 1,
        SpecialType.System_Char or SpecialType.System_Int16 or SpecialType.System_UInt16 => 2,
        SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Single => 4,
        SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Double => 8,
        SpecialType.System_Decimal => 16,
        _ => 8,
    };

    /// <summary>Whether the local function is invoked inside a loop body of the enclosing method.</summary>
    private static bool IsCalledInLoop(ILocalFunctionOperation localFunction, IOperation root, KnownSymbols types)
    {
        foreach (var operation in root.Descendants())
        {
            if (operation is IInvocationOperation invocation
                && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, localFunction.Symbol)
                && Repetition.Find(invocation, types).Loop is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsHotMember(ISymbol symbol, MemorySettings settings)
    {
        for (ISymbol? current = symbol; current is not null; current = current.ContainingSymbol)
        {
            if (current is IMethodSymbol or IPropertySymbol)
            {
                if (MemoryOptions.IsHotMember(settings, current))
                {
                    return true;
                }

                if (current is IMethodSymbol { AssociatedSymbol: IPropertySymbol property } && MemoryOptions.IsHotMember(settings, property))
                {
                    return true;
                }
            }

            if (current is INamedTypeSymbol)
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsStreamOverride(ISymbol symbol, KnownSymbols types)
    {
        if (types.Stream is null || symbol is not IMethodSymbol { IsOverride: true } method
            || method.Name is not ("Read" or "ReadAsync" or "Write" or "WriteAsync" or "CopyTo" or "CopyToAsync"))
        {
            return false;
        }

        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
        {
            if (SymbolEqualityComparer.Default.Equals(overridden.ContainingType, types.Stream))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs per call: not a static constructor, field initializer or program entry point.</summary>
    private static bool IsPerCall(ISymbol symbol, IOperation allocation)
    {
        if (symbol is not IMethodSymbol method)
        {
            return false; // field or property initializer
        }

        if (method.MethodKind == MethodKind.StaticConstructor
            || method.IsStatic && method.Name is "Main" or "<Main>$"
            || BufferFlow.Root(allocation) is IFieldInitializerOperation or IPropertyInitializerOperation)
        {
            return false;
        }

        return true;
    }
}
