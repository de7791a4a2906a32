using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Memory;

/// <summary>
/// BND3001: rent the buffer from <c>ArrayPool&lt;T&gt;.Shared</c> and return it in a finally. A rented array may be
/// longer than asked for, so every use that reads the length is rewritten to the requested length.
/// </summary>
internal static class PoolBuffer
{
    /// <summary>
    /// The ArrayPool fix moves the rest of the block into a try but leaves local functions after it; a local function
    /// that uses a local declared in the moved statements would lose it, so the fix is not offered then.
    /// </summary>
    public static bool LocalFunctionUsesWrappedLocals(LocalDeclarationStatementSyntax declaration, BlockSyntax block, FixContext context)
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

    // ---------------------------------------------------------------- ArrayPool

    public static void Apply(SyntaxEditor editor, FixContext context, BufferDeclaration declaration, BlockSyntax block, ILocalSymbol local, string element, ExpressionSyntax sizeSyntax, BufferUses uses, bool clearOnReturn)
    {
        var name = local.Name;
        var lengthName = context.Names.Allocate(declaration.Statement, name + "Length");
        foreach (var use in uses.Uses)
        {
            RewriteUse(editor, use, name, lengthName, element);
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

    private static void RewriteUse(SyntaxEditor editor, BufferUse use, string name, string lengthName, string element)
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
}
