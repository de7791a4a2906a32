using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Bounded.CodeFixes;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>
/// Analyzers run concurrently, in long-lived IDE processes, over many compilations: the analyzer and fixer assemblies
/// may hold no mutable static state. Every static field is a constant or a readonly field of an immutable type.
/// </summary>
public class StaticStateTests
{
    private static readonly Type[] ImmutableTypes =
    {
        typeof(string), typeof(DiagnosticDescriptor), typeof(LocalizableString), typeof(SymbolDisplayFormat),
        typeof(SyntaxAnnotation), typeof(TimeSpan), typeof(Type), typeof(System.Text.RegularExpressions.Regex),
        typeof(StringComparer),
    };

    public static TheoryData<string> Assemblies() => new() { typeof(RuleIds).Assembly.GetName().Name!, typeof(BoundedCodeFixProvider).Assembly.GetName().Name! };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void StaticFieldsAreConstantsOrReadonlyImmutables(string assemblyName)
    {
        var assembly = new[] { typeof(RuleIds).Assembly, typeof(BoundedCodeFixProvider).Assembly }.Single(a => a.GetName().Name == assemblyName);
        var offenders = new List<string>();
        var checkedFields = 0;
        foreach (var type in assembly.GetTypes())
        {
            // Compiler-generated closure classes cache lambdas in static fields; those are not state of ours.
            if (type.GetCustomAttribute<CompilerGeneratedAttribute>() is not null || type.Name.Contains('<', StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                checkedFields++;
                if (field.IsLiteral)
                {
                    continue;
                }

                if (!field.IsInitOnly)
                {
                    offenders.Add($"{type.FullName}.{field.Name} is not readonly");
                }
                else if (!IsImmutable(field.FieldType) && !IsPerCompilationCache(field.FieldType))
                {
                    offenders.Add($"{type.FullName}.{field.Name} has the mutable type {field.FieldType}");
                }
            }
        }

        Assert.True(checkedFields > 0, "no static field found: the reflection is looking at the wrong assembly");
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    [Fact]
    public void TheCheckRejectsMutableShapes()
    {
        Assert.False(IsImmutable(typeof(string[])));
        Assert.False(IsImmutable(typeof(List<string>)));
        Assert.False(IsImmutable(typeof(Dictionary<string, int>)));
        Assert.True(IsImmutable(typeof(System.Collections.Immutable.ImmutableArray<string>)));
        Assert.True(IsImmutable(typeof(System.Collections.Immutable.ImmutableDictionary<string, DiagnosticDescriptor>)));
        Assert.False(IsImmutable(typeof(System.Collections.Immutable.ImmutableArray<List<int>>)));
        Assert.True(IsPerCompilationCache(typeof(ConditionalWeakTable<Compilation, KnownSymbols>)));
        Assert.True(IsImmutable(typeof(OptionDefinition)));
        Assert.False(IsPerCompilationCache(typeof(ConditionalWeakTable<Compilation, List<int>>)));
        Assert.False(IsPerCompilationCache(typeof(ConditionalWeakTable<object, KnownSymbols>)));
    }

    /// <summary>
    /// A <c>ConditionalWeakTable&lt;Compilation, T&gt;</c> whose values have only readonly fields: state derived from
    /// an immutable compilation, computed once, thread-safe, and collected with the compilation (KnownSymbols).
    /// </summary>
    internal static bool IsPerCompilationCache(Type type) =>
        type.IsGenericType
        && type.GetGenericTypeDefinition() == typeof(ConditionalWeakTable<,>)
        && type.GetGenericArguments()[0] == typeof(Compilation)
        && type.GetGenericArguments()[1].GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).All(f => f.IsInitOnly);

    internal static bool IsImmutable(Type type)
    {
        if (type.IsPrimitive || type.IsEnum || ImmutableTypes.Contains(type) || typeof(Delegate).IsAssignableFrom(type))
        {
            return true;
        }

        if (type.IsGenericType && type.Namespace == "System.Collections.Immutable")
        {
            return type.GetGenericArguments().All(IsImmutable);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Nullable<>))
        {
            return IsImmutable(type.GetGenericArguments()[0]);
        }

        // Our own sealed records of settings (OptionDefinition): every field readonly and itself immutable.
        if (type.IsSealed && type.Assembly == typeof(RuleIds).Assembly)
        {
            return type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .All(f => f.IsInitOnly && f.FieldType != type && IsImmutable(f.FieldType));
        }

        return false;
    }
}
