using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Bounded.Analyzers;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.CodeFixes.Memory;

/// <summary>
/// BND3001: hoist the buffer out of the loop, rent it from ArrayPool, or stack-allocate it. This class only plans: it
/// reads what made the allocation hot from the diagnostic, decides which rewrites are safe for the site, and leaves
/// each edit to its own class (<see cref="HoistBuffer"/>, <see cref="PoolBuffer"/>, <see cref="StackallocBuffer"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HotPathArrayAllocationCodeFixProvider)), Shared]
public sealed class HotPathArrayAllocationCodeFixProvider : BoundedCodeFixProvider
{
    public const string HoistKey = "Bounded." + RuleIds.HotPathByteArray + ".Hoist";
    public const string ArrayPoolKey = "Bounded." + RuleIds.HotPathByteArray + ".ArrayPool";
    public const string StackallocKey = "Bounded." + RuleIds.HotPathByteArray + ".Stackalloc";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.HotPathByteArray);

    /// <summary>Planned best first (hoist, else ArrayPool, else stackalloc): the first is the site's default fix.</summary>
    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var allocationSyntax = node.FirstAncestorOrSelf<ExpressionSyntax>(e => e is ArrayCreationExpressionSyntax or InvocationExpressionSyntax);
        if (allocationSyntax is null
            || context.Model.GetOperation(allocationSyntax, context.CancellationToken) is not { } allocation
            || !Allocation.TryRead(allocation, out var elementType, out var size, out var zeroed, out var sizeSyntax)
            || size.Type?.SpecialType != SpecialType.System_Int32
            || BufferSite.DeclarationOf(allocationSyntax) is not { } declaration
            || declaration.Statement.Parent is not BlockSyntax block
            || context.Model.GetDeclaredSymbol(declaration.Declarator, context.CancellationToken) is not ILocalSymbol { Type: IArrayTypeSymbol } local)
        {
            return;
        }

        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        var root = BufferFlow.Root(allocation);
        var uses = BufferUses.Analyze(local, root, declaration.Statement, types, zeroed);
        diagnostic.Properties.TryGetValue(DiagnosticProperties.Context, out var where);
        var options = context.Document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider;
        var tree = allocationSyntax.SyntaxTree;
        long? bytes = size.ConstantValue is { HasValue: true, Value: int count } ? (long)count * HotPathArrayAllocationAnalyzer.ElementSize(elementType) : null;
        var small = size.ConstantValue is { HasValue: true, Value: int elements } && elements < MemoryOptions.MinSize(options, tree);

        // A Large Object Heap buffer hoisted out of the loop would still be allocated on every call: pool it instead.
        if (where == HotPathArrayAllocationAnalyzer.LoopContext
            && bytes is not >= MemoryOptions.LargeObjectThreshold
            && Repetition.Find(allocation, types).Loop is { } loop
            && loop.Syntax is StatementSyntax loopStatement && loopStatement.Parent is BlockSyntax
            && HoistBuffer.IsLoopInvariant(size, loop))
        {
            var d = declaration;
            fixes.Add(new PlannedFix("Allocate the buffer once, before the loop", HoistKey, editor => HoistBuffer.Apply(editor, context, d, local, loopStatement, uses.NeedsClear)));
        }

        if (!small && uses.CanPool && types.ArrayPool is not null
            && (types.MemoryExtensions is not null || !uses.NeedsClear && !uses.Uses.Any(u => u.Rewrite is UseRewrite.SpanSlice or UseRewrite.MemorySlice or UseRewrite.ViewWithoutArguments))
            && !PoolBuffer.LocalFunctionUsesWrappedLocals(declaration.Statement, block, context))
        {
            var clearOnReturn = MemoryOptions.ClearPooled(options, tree);
            var d = declaration;
            var element = elementType.ToDisplayString();
            fixes.Add(new PlannedFix($"Rent the buffer from ArrayPool<{element}>.Shared", ArrayPoolKey, editor => PoolBuffer.Apply(editor, context, d, block, local, element, sizeSyntax, uses, clearOnReturn)));
        }

        if (bytes is { } stackBytes && stackBytes <= MemoryOptions.MaxStackalloc(options, tree)
            && uses.CanStackalloc
            && types.Span is not null
            && uses.Uses.All(u => u.SpanOverload is null || context.Targets.HaveEverywhere(u.SpanOverload))
            && elementType.SpecialType != SpecialType.None
            && StackallocBuffer.CanStackallocIn(allocation, declaration.Statement, context))
        {
            var outerLoop = StackallocBuffer.OutermostLoop(allocation);
            if (outerLoop is null || outerLoop.Parent is BlockSyntax outerBlock && !BufferSite.DeclaresElsewhere(outerBlock, local.Name, declaration.Declarator))
            {
                var d = declaration;
                var element = elementType.ToDisplayString();
                fixes.Add(new PlannedFix($"Use stackalloc {element}[{sizeSyntax}]", StackallocKey, editor => StackallocBuffer.Apply(editor, d, local, element, sizeSyntax, outerLoop, uses)));
            }
        }
    }
}
