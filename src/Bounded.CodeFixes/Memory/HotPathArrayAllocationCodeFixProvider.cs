using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Bounded.Analyzers;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Memory;

/// <summary>BND3001: hoist the buffer out of the loop, rent it from ArrayPool, or stack-allocate it.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HotPathArrayAllocationCodeFixProvider)), Shared]
public sealed class HotPathArrayAllocationCodeFixProvider : BoundedCodeFixProvider
{
    /// <summary>
    /// The first action: the best safe fix for each site (hoist, else ArrayPool, else stackalloc). One key for every
    /// diagnostic, so FixAll and <c>dotnet format</c> fix every site, whichever rewrite each one allows.
    /// </summary>
    public const string PreferredKey = "Bounded." + RuleIds.HotPathByteArray + ".Preferred";
    public const string HoistKey = "Bounded." + RuleIds.HotPathByteArray + ".Hoist";
    public const string ArrayPoolKey = "Bounded." + RuleIds.HotPathByteArray + ".ArrayPool";
    public const string StackallocKey = "Bounded." + RuleIds.HotPathByteArray + ".Stackalloc";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.HotPathByteArray);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var start = fixes.Count;
        PlanEach(diagnostic, context, fixes);
        if (fixes.Count > start)
        {
            var best = fixes[start];
            fixes.Insert(start, new PlannedFix("Reuse the buffer: " + char.ToLowerInvariant(best.Title[0]) + best.Title.Substring(1), PreferredKey, best.Build));
        }
    }

    private static void PlanEach(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var allocationSyntax = node.FirstAncestorOrSelf<ExpressionSyntax>(e => e is ArrayCreationExpressionSyntax or InvocationExpressionSyntax);
        if (allocationSyntax is null
            || context.Model.GetOperation(allocationSyntax, context.CancellationToken) is not { } allocation
            || !Allocation.TryRead(allocation, out var elementType, out var size, out var zeroed, out var sizeSyntax)
            || size.Type?.SpecialType != SpecialType.System_Int32
            || DeclarationOf(allocationSyntax) is not { } declaration
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
            && IsLoopInvariant(size, loop))
        {
            var d = declaration;
            fixes.Add(new PlannedFix("Allocate the buffer once, before the loop", HoistKey, editor => Hoist(editor, context, d, local, loopStatement, uses.NeedsClear)));
        }

        if (!small && uses.CanPool && types.ArrayPool is not null
            && (types.MemoryExtensions is not null || !uses.NeedsClear && !uses.Uses.Any(u => u.Rewrite is UseRewrite.SpanSlice or UseRewrite.MemorySlice or UseRewrite.ViewWithoutArguments))
            && !LocalFunctionUsesWrappedLocals(declaration.Statement, block, context))
        {
            var clearOnReturn = MemoryOptions.ClearPooled(options, tree);
            var d = declaration;
            var element = elementType.ToDisplayString();
            fixes.Add(new PlannedFix($"Rent the buffer from ArrayPool<{element}>.Shared", ArrayPoolKey, editor => Pool(editor, context, d, block, local, element, sizeSyntax, uses, clearOnReturn)));
        }

        if (bytes is { } stackBytes && stackBytes <= MemoryOptions.MaxStackalloc(options, tree)
            && uses.CanStackalloc
            && types.Span is not null
            && elementType.SpecialType != SpecialType.None
            && CanStackallocIn(allocation, declaration.Statement, context))
        {
            var outerLoop = OutermostLoop(allocation);
            if (outerLoop is null || outerLoop.Parent is BlockSyntax outerBlock && !DeclaresElsewhere(outerBlock, local.Name, declaration.Declarator))
            {
                var d = declaration;
                var element = elementType.ToDisplayString();
                fixes.Add(new PlannedFix($"Use stackalloc {element}[{sizeSyntax}]", StackallocKey, editor => Stackalloc(editor, d, local, element, sizeSyntax, outerLoop, uses)));
            }
        }
    }

    private sealed class Declaration
    {
        public Declaration(LocalDeclarationStatementSyntax statement, VariableDeclaratorSyntax declarator)
        {
            Statement = statement;
            Declarator = declarator;
        }

        public LocalDeclarationStatementSyntax Statement { get; }
        public VariableDeclaratorSyntax Declarator { get; }
    }

    /// <summary><c>var buffer = new byte[n];</c> — one declarator, no using/const/ref.</summary>
    private static Declaration? DeclarationOf(ExpressionSyntax allocation)
    {
        if (allocation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
            && declarator.Parent is VariableDeclarationSyntax { Variables.Count: 1 } declaration
            && declaration.Parent is LocalDeclarationStatementSyntax statement
            && statement.Modifiers.Count == 0
            && statement.UsingKeyword.IsKind(SyntaxKind.None)
            && declaration.Type is not RefTypeSyntax)
        {
            return new Declaration(statement, declarator);
        }

        return null;
    }

    // ---------------------------------------------------------------- hoist

    private static void Hoist(SyntaxEditor editor, FixContext context, Declaration declaration, ILocalSymbol local, StatementSyntax loopStatement, bool needsClear)
    {
        var name = local.Name;
        var scope = (BlockSyntax)loopStatement.Parent!;
        if (DeclaresElsewhere(scope, name, declaration.Declarator))
        {
            name = context.Names.Allocate(loopStatement, local.Name);
            foreach (var identifier in loopStatement.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == local.Name
                    && SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(identifier, context.CancellationToken).Symbol, local))
                {
                    var renamed = name;
                    editor.ReplaceNode(identifier, (current, _) => ((IdentifierNameSyntax)current).WithIdentifier(Identifier(renamed).WithTriviaFrom(((IdentifierNameSyntax)current).Identifier)));
                }
            }
        }

        var hoisted = declaration.Statement
            .ReplaceToken(declaration.Declarator.Identifier, Identifier(name))
            .WithoutTrivia()
            .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
            .Formatted();
        InsertBeforeLoop(editor, loopStatement, hoisted);
        if (needsClear)
        {
            editor.ReplaceNode(declaration.Statement, ClearArray(name, context.Model.Compilation).WithTriviaFrom(declaration.Statement));
        }
        else
        {
            editor.RemoveNode(declaration.Statement, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }
    }

    /// <summary>
    /// Inserts a statement before the loop; blank lines that separated the loop from the code above now separate the
    /// new statement, which sits right above the loop (comments stay with the loop).
    /// </summary>
    private static void InsertBeforeLoop(SyntaxEditor editor, StatementSyntax loopStatement, StatementSyntax statement)
    {
        var leading = loopStatement.GetLeadingTrivia();
        var blankLines = 0;
        while (blankLines < leading.Count && leading[blankLines].IsKind(SyntaxKind.EndOfLineTrivia))
        {
            blankLines++;
        }

        if (blankLines == 0)
        {
            editor.InsertBefore(loopStatement, statement);
            return;
        }

        editor.InsertBefore(loopStatement, statement.WithLeadingTrivia(leading.Take(blankLines)));
        editor.ReplaceNode(loopStatement, (current, _) =>
        {
            var trivia = current.GetLeadingTrivia();
            var skip = 0;
            while (skip < trivia.Count && trivia[skip].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                skip++;
            }

            return current.WithLeadingTrivia(trivia.Skip(skip));
        });
    }

    /// <summary>
    /// <c>Array.Clear(buffer);</c> where the one-argument overload exists (.NET 6+), else
    /// <c>Array.Clear(buffer, 0, buffer.Length);</c>.
    /// </summary>
    private static StatementSyntax ClearArray(string name, Compilation compilation)
    {
        var arguments = new List<ArgumentSyntax> { Argument(IdentifierName(name)) };
        if (!HasSingleArgumentClear(compilation))
        {
            arguments.Add(Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0))));
            arguments.Add(Argument(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(name), IdentifierName("Length"))));
        }

        return ExpressionStatement(
                InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FixSyntax.QualifiedName("System.Array"), IdentifierName("Clear")),
                    ArgumentList(SeparatedList(arguments))))
            .Formatted();
    }

    private static bool HasSingleArgumentClear(Compilation compilation)
    {
        var array = compilation.GetSpecialType(SpecialType.System_Array);
        foreach (var member in array.GetMembers("Clear"))
        {
            if (member is IMethodSymbol { IsStatic: true, Parameters.Length: 1 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the size is the same on every iteration: constants, and locals, parameters or readonly fields not written in the loop.</summary>
    private static bool IsLoopInvariant(IOperation size, ILoopOperation loop)
    {
        switch (size)
        {
            case { ConstantValue.HasValue: true }:
                return true;
            case IConversionOperation conversion:
                return IsLoopInvariant(conversion.Operand, loop);
            case IParenthesizedOperation parenthesized:
                return IsLoopInvariant(parenthesized.Operand, loop);
            case IBinaryOperation binary:
                return IsLoopInvariant(binary.LeftOperand, loop) && IsLoopInvariant(binary.RightOperand, loop);
            case ILocalReferenceOperation reference:
                return !loop.Syntax.Span.Contains(reference.Local.DeclaringSyntaxReferences.FirstOrDefault()?.Span ?? loop.Syntax.Span)
                    && !IsWrittenIn(reference.Local, loop);
            case IParameterReferenceOperation parameter:
                return !IsWrittenIn(parameter.Parameter, loop);
            case IFieldReferenceOperation field:
                return (field.Field.IsReadOnly || field.Field.IsConst)
                    && (field.Instance is null or IInstanceReferenceOperation);
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance }
                when instance.Type is IArrayTypeSymbol || instance.Type?.SpecialType == SpecialType.System_String:
                return IsLoopInvariant(instance, loop);
            default:
                return false;
        }
    }

    private static bool IsWrittenIn(ISymbol symbol, ILoopOperation loop)
    {
        foreach (var operation in loop.Descendants())
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            var written = target switch
            {
                ILocalReferenceOperation l => (ISymbol)l.Local,
                IParameterReferenceOperation p => p.Parameter,
                _ => null,
            };
            if (written is not null && SymbolEqualityComparer.Default.Equals(written, symbol))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Another variable of this name anywhere in the block: moving the declaration up would clash (CS0128/CS0136).</summary>
    private static bool DeclaresElsewhere(BlockSyntax block, string name, VariableDeclaratorSyntax self)
    {
        foreach (var node in block.DescendantNodes())
        {
            var declared = node switch
            {
                VariableDeclaratorSyntax declarator when declarator != self => declarator.Identifier.ValueText,
                SingleVariableDesignationSyntax designation => designation.Identifier.ValueText,
                ForEachStatementSyntax forEach => forEach.Identifier.ValueText,
                ParameterSyntax parameter => parameter.Identifier.ValueText,
                CatchDeclarationSyntax catchDeclaration => catchDeclaration.Identifier.ValueText,
                LocalFunctionStatementSyntax function => function.Identifier.ValueText,
                _ => null,
            };
            if (declared == name)
            {
                return true;
            }
        }

        return false;
    }

    // ---------------------------------------------------------------- ArrayPool

    private static void Pool(SyntaxEditor editor, FixContext context, Declaration declaration, BlockSyntax block, ILocalSymbol local, string element, ExpressionSyntax sizeSyntax, BufferUses uses, bool clearOnReturn)
    {
        var name = local.Name;
        var lengthName = context.Names.Allocate(declaration.Statement, name + "Length");
        foreach (var use in uses.Uses)
        {
            RewriteForPool(editor, use, name, lengthName, element);
        }

        if (uses.NeedsClear || uses.Uses.Any(u => u.Rewrite is UseRewrite.SpanSlice or UseRewrite.MemorySlice))
        {
            EnsureSystemImport(editor, context, declaration.Statement);
        }

        var pool = "global::System.Buffers.ArrayPool<" + element + ">.Shared";
        editor.ReplaceNode(block, (current, _) =>
        {
            var currentBlock = (BlockSyntax)current;
            var index = IndexOfDeclaration(currentBlock, name);
            if (index < 0)
            {
                return current;
            }

            var statement = (LocalDeclarationStatementSyntax)currentBlock.Statements[index];
            var lengthDeclaration = FixSyntax.Statement("var " + lengthName + " = " + sizeSyntax.WithoutTrivia().ToFullString() + ";")
                .WithLeadingTrivia(statement.GetLeadingTrivia());
            var rent = ParseExpression(pool + ".Rent(" + lengthName + ")").WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation, Microsoft.CodeAnalysis.Simplification.Simplifier.AddImportsAnnotation);
            var declarator = statement.Declaration.Variables[0];
            var rented = statement
                .ReplaceNode(declarator, declarator.WithInitializer(declarator.Initializer!.WithValue(rent)))
                .WithLeadingTrivia(ElasticMarker)
                .Formatted();
            var body = new List<StatementSyntax>();
            if (uses.NeedsClear)
            {
                body.Add(FixSyntax.Statement(name + ".AsSpan(0, " + lengthName + ").Clear();"));
            }

            // Local functions stay in the block (after the try): code before the declaration may call them.
            var localFunctions = new List<StatementSyntax>();
            for (var i = index + 1; i < currentBlock.Statements.Count; i++)
            {
                (currentBlock.Statements[i] is LocalFunctionStatementSyntax ? localFunctions : body).Add(currentBlock.Statements[i]);
            }

            var returnCall = ParseStatement(pool + ".Return(" + name + (clearOnReturn ? ", clearArray: true" : "") + ");")
                .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation, Microsoft.CodeAnalysis.Simplification.Simplifier.AddImportsAnnotation);
            var tryStatement = TryStatement(
                FixSyntax.MultiLineBlock(body.ToArray()),
                default,
                FinallyClause(FixSyntax.MultiLineBlock(returnCall.Formatted())))
                .Formatted();
            var statements = new List<StatementSyntax>();
            for (var i = 0; i < index; i++)
            {
                statements.Add(currentBlock.Statements[i]);
            }

            statements.Add(lengthDeclaration);
            statements.Add(rented);
            statements.Add(tryStatement);
            statements.AddRange(localFunctions);
            return currentBlock.WithStatements(List(statements)).Formatted();
        });
    }

    /// <summary>
    /// <c>AsSpan</c>/<c>AsMemory</c> are extension methods in <c>System</c>: the import adder cannot see a call that
    /// does not bind yet, so the fix adds <c>using System;</c> itself when MemoryExtensions is not in scope.
    /// </summary>
    private static void EnsureSystemImport(SyntaxEditor editor, FixContext context, SyntaxNode position)
    {
        foreach (var symbol in context.Model.LookupNamespacesAndTypes(position.SpanStart, name: "MemoryExtensions"))
        {
            if (symbol.ContainingNamespace?.ToDisplayString() == "System")
            {
                return;
            }
        }

        if (position.SyntaxTree.GetRoot(context.CancellationToken) is not CompilationUnitSyntax unit)
        {
            return;
        }

        editor.ReplaceNode(unit, (current, _) =>
        {
            var compilationUnit = (CompilationUnitSyntax)current;
            var usings = compilationUnit.Usings;
            var index = usings.Count;
            for (var i = 0; i < usings.Count; i++)
            {
                var name = usings[i].Name?.ToString();
                if (usings[i].Alias is null && usings[i].StaticKeyword.IsKind(SyntaxKind.None) && name == "System")
                {
                    return current;
                }

                if (index == usings.Count && usings[i].Alias is null && usings[i].StaticKeyword.IsKind(SyntaxKind.None) && string.CompareOrdinal(name, "System") > 0)
                {
                    index = i;
                }
            }

            var directive = UsingDirective(IdentifierName("System")).WithTrailingTrivia(ElasticCarriageReturnLineFeed);
            if (index < usings.Count)
            {
                directive = directive.WithLeadingTrivia(usings[index].GetLeadingTrivia());
                usings = usings.Replace(usings[index], usings[index].WithLeadingTrivia());
            }

            return compilationUnit.WithUsings(usings.Insert(index, directive));
        });
    }

    /// <summary>
    /// The ArrayPool fix moves the rest of the block into a try but leaves local functions after it; a local function
    /// that uses a local declared in the moved statements would lose it, so the fix is not offered then.
    /// </summary>
    private static bool LocalFunctionUsesWrappedLocals(LocalDeclarationStatementSyntax declaration, BlockSyntax block, FixContext context)
    {
        var index = block.Statements.IndexOf(declaration);
        var wrapped = new HashSet<string>();
        for (var i = index + 1; i < block.Statements.Count; i++)
        {
            if (block.Statements[i] is not LocalFunctionStatementSyntax)
            {
                foreach (var node in block.Statements[i].DescendantNodesAndSelf())
                {
                    if (node is VariableDeclaratorSyntax declarator)
                    {
                        wrapped.Add(declarator.Identifier.ValueText);
                    }
                    else if (node is SingleVariableDesignationSyntax designation)
                    {
                        wrapped.Add(designation.Identifier.ValueText);
                    }
                }
            }
        }

        for (var i = index + 1; i < block.Statements.Count; i++)
        {
            if (block.Statements[i] is LocalFunctionStatementSyntax function)
            {
                foreach (var identifier in function.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (wrapped.Contains(identifier.Identifier.ValueText)
                        && context.Model.GetSymbolInfo(identifier, context.CancellationToken).Symbol is ILocalSymbol local
                        && !function.Span.Contains(local.DeclaringSyntaxReferences.FirstOrDefault()?.Span ?? function.Span))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static int IndexOfDeclaration(BlockSyntax block, string name)
    {
        for (var i = 0; i < block.Statements.Count; i++)
        {
            if (block.Statements[i] is LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } declaration && declaration.Declaration.Variables[0].Identifier.ValueText == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static void RewriteForPool(SyntaxEditor editor, BufferUse use, string name, string lengthName, string element)
    {
        switch (use.Rewrite)
        {
            case UseRewrite.Length:
                editor.ReplaceNode(use.Node, (current, _) => IdentifierName(lengthName).WithTriviaFrom(current));
                break;
            case UseRewrite.SpanSlice:
                editor.ReplaceNode(use.Node, (current, _) => ParseExpression(name + ".AsSpan(0, " + lengthName + ")").WithTriviaFrom(current));
                break;
            case UseRewrite.MemorySlice:
                editor.ReplaceNode(use.Node, (current, _) => ParseExpression(name + ".AsMemory(0, " + lengthName + ")").WithTriviaFrom(current));
                break;
            case UseRewrite.SegmentSlice:
                editor.ReplaceNode(use.Node, (current, _) =>
                    ParseExpression("new global::System.ArraySegment<" + element + ">(" + name + ", 0, " + lengthName + ")")
                        .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation)
                        .WithTriviaFrom(current));
                break;
            case UseRewrite.InsertRange:
                editor.InsertAfter(use.Node, new SyntaxNode[] { Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0))), Argument(IdentifierName(lengthName)) });
                break;
            case UseRewrite.ViewWithoutArguments:
                editor.ReplaceNode(use.Node, (current, _) => ((InvocationExpressionSyntax)current).WithArgumentList(
                    ArgumentList(SeparatedList(new[] { Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0))), Argument(IdentifierName(lengthName)) }))));
                break;
            case UseRewrite.ViewFromStart:
                editor.ReplaceNode(use.Node, (current, _) =>
                {
                    var invocation = (InvocationExpressionSyntax)current;
                    var start = invocation.ArgumentList.Arguments[0].Expression.WithoutTrivia();
                    var remaining = BinaryExpression(SyntaxKind.SubtractExpression, IdentifierName(lengthName), start is LiteralExpressionSyntax or IdentifierNameSyntax ? start : ParenthesizedExpression(start));
                    return invocation.WithArgumentList(invocation.ArgumentList.AddArguments(Argument(remaining)));
                });
                break;
        }
    }

    // ---------------------------------------------------------------- stackalloc

    private static bool CanStackallocIn(IOperation allocation, StatementSyntax statement, FixContext context)
    {
        if (context.Model.GetEnclosingSymbol(statement.SpanStart, context.CancellationToken) is not IMethodSymbol { IsAsync: false } method)
        {
            return false;
        }

        for (var node = statement.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case CatchClauseSyntax or FinallyClauseSyntax:
                    return false;
                case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax:
                    return !ContainsYield(node);
            }
        }

        return method is not null;
    }

    private static bool ContainsYield(SyntaxNode function)
    {
        foreach (var node in function.DescendantNodes(n => n == function || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is YieldStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The outermost loop statement around the allocation in its own function, if any.</summary>
    private static StatementSyntax? OutermostLoop(IOperation allocation)
    {
        StatementSyntax? outer = null;
        for (var current = allocation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                break;
            }

            if (current is ILoopOperation { Syntax: StatementSyntax loopStatement })
            {
                outer = loopStatement;
            }
        }

        return outer;
    }

    private static void Stackalloc(SyntaxEditor editor, Declaration declaration, ILocalSymbol local, string element, ExpressionSyntax sizeSyntax, StatementSyntax? outerLoop, BufferUses uses)
    {
        var name = local.Name;
        foreach (var use in uses.Uses)
        {
            switch (use.Rewrite)
            {
                case UseRewrite.ViewWithoutArguments:
                    editor.ReplaceNode(use.Node, (current, _) => IdentifierName(name).WithTriviaFrom(current));
                    break;
                case UseRewrite.ViewFromStart:
                case UseRewrite.ViewWithRange:
                    editor.ReplaceNode(use.Node, (current, _) =>
                    {
                        var invocation = (InvocationExpressionSyntax)current;
                        return invocation.Expression is MemberAccessExpressionSyntax access
                            ? invocation.WithExpression(access.WithName(IdentifierName("Slice")))
                            : current;
                    });
                    break;
            }
        }

        var spanDeclaration = (LocalDeclarationStatementSyntax)ParseStatement(
            "global::System.Span<" + element + "> " + name + " = stackalloc " + element + "[" + sizeSyntax.WithoutTrivia().ToFullString() + "];");
        spanDeclaration = spanDeclaration.WithDeclaration(spanDeclaration.Declaration.WithType(
            spanDeclaration.Declaration.Type.WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation, Microsoft.CodeAnalysis.Simplification.Simplifier.AddImportsAnnotation)));
        if (outerLoop is null)
        {
            editor.ReplaceNode(declaration.Statement, spanDeclaration.WithTriviaFrom(declaration.Statement).Formatted());
            return;
        }

        InsertBeforeLoop(editor, outerLoop, spanDeclaration.WithTrailingTrivia(ElasticCarriageReturnLineFeed).Formatted());
        if (uses.NeedsClear)
        {
            editor.ReplaceNode(declaration.Statement, FixSyntax.Statement(name + ".Clear();").WithTriviaFrom(declaration.Statement));
        }
        else
        {
            editor.RemoveNode(declaration.Statement, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }
    }
}

/// <summary>Reads the element type and size of <c>new T[n]</c> / <c>GC.AllocateUninitializedArray&lt;T&gt;(n)</c>.</summary>
internal static class Allocation
{
    public static bool TryRead(IOperation operation, out ITypeSymbol elementType, out IOperation size, out bool zeroed, out ExpressionSyntax sizeSyntax)
    {
        elementType = null!;
        size = null!;
        sizeSyntax = null!;
        zeroed = true;
        switch (operation)
        {
            case IArrayCreationOperation { DimensionSizes.Length: 1, Initializer: null, Type: IArrayTypeSymbol array } creation
                when creation.Syntax is ArrayCreationExpressionSyntax { Type.RankSpecifiers.Count: 1 } syntax && syntax.Type.RankSpecifiers[0].Sizes.Count == 1:
                elementType = array.ElementType;
                size = creation.DimensionSizes[0];
                sizeSyntax = ((ArrayCreationExpressionSyntax)creation.Syntax).Type.RankSpecifiers[0].Sizes[0];
                return true;
            case IInvocationOperation { TargetMethod: { Name: "AllocateUninitializedArray", TypeArguments.Length: 1 } method, Arguments.Length: >= 1 } invocation
                when invocation.Syntax is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } call && call.ArgumentList.Arguments[0].NameColon is null:
                elementType = method.TypeArguments[0];
                size = invocation.Arguments.First(a => a.Parameter?.Ordinal == 0).Value;
                sizeSyntax = ((InvocationExpressionSyntax)invocation.Syntax).ArgumentList.Arguments[0].Expression;
                zeroed = false;
                return true;
            default:
                return false;
        }
    }
}
