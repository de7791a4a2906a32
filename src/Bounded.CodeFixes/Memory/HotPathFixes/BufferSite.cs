using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Memory;

/// <summary>
/// The local declaration every BND3001 rewrite edits. Each rewrite replaces or moves this one statement, which is why
/// the fix is offered only for a single-declarator local.
/// </summary>
internal sealed class BufferDeclaration
{
    public BufferDeclaration(LocalDeclarationStatementSyntax statement, VariableDeclaratorSyntax declarator)
    {
        Statement = statement;
        Declarator = declarator;
    }

    public LocalDeclarationStatementSyntax Statement { get; }
    public VariableDeclaratorSyntax Declarator { get; }
}

/// <summary>Syntax helpers the BND3001 rewrites share: finding the declaration, and moving a statement above a loop without a name clash.</summary>
internal static class BufferSite
{
    /// <summary><c>var buffer = new byte[n];</c> — one declarator, no using/const/ref.</summary>
    public static BufferDeclaration? DeclarationOf(ExpressionSyntax allocation)
    {
        if (allocation.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }
            && declarator.Parent is VariableDeclarationSyntax { Variables.Count: 1 } declaration
            && declaration.Parent is LocalDeclarationStatementSyntax statement
            && statement.Modifiers.Count == 0
            && statement.UsingKeyword.IsKind(SyntaxKind.None)
            && declaration.Type is not RefTypeSyntax)
        {
            return new BufferDeclaration(statement, declarator);
        }

        return null;
    }

    /// <summary>
    /// Inserts a statement before the loop; blank lines that separated the loop from the code above now separate the
    /// new statement, which sits right above the loop (comments stay with the loop).
    /// </summary>
    public static void InsertBeforeLoop(SyntaxEditor editor, StatementSyntax loopStatement, StatementSyntax statement)
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

    /// <summary>Another variable of this name anywhere in the block: moving the declaration up would clash (CS0128/CS0136).</summary>
    public static bool DeclaresElsewhere(BlockSyntax block, string name, VariableDeclaratorSyntax self)
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
