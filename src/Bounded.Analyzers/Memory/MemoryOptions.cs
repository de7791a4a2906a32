using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Analyzers.Memory;

/// <summary>The .editorconfig options of the memory rules (<c>bounded.&lt;name&gt;</c> or <c>bounded.bnd3001.&lt;name&gt;</c>).</summary>
internal static class MemoryOptions
{
    /// <summary>85,000 bytes: arrays this large go to the Large Object Heap.</summary>
    public const int LargeObjectThreshold = 85000;

    public static int MinSize(AnalyzerConfigOptionsProvider provider, SyntaxTree tree) =>
        OptionCatalog.MinArraySize.GetInteger(provider, tree, RuleIds.HotPathByteArray);

    public static int MaxStackalloc(AnalyzerConfigOptionsProvider provider, SyntaxTree tree) =>
        OptionCatalog.MaxStackallocBytes.GetInteger(provider, tree, RuleIds.HotPathByteArray);

    public static bool ClearPooled(AnalyzerConfigOptionsProvider provider, SyntaxTree tree) =>
        OptionCatalog.ClearPooledArrays.GetBoolean(provider, tree, RuleIds.HotPathByteArray);

    /// <summary>Whether <paramref name="element"/> is named in <paramref name="names"/> (keyword, short or full name).</summary>
    public static bool IsPooledElement(ImmutableArray<string> names, ITypeSymbol element)
    {
        if (element.SpecialType == SpecialType.System_Byte && names.Length == 1 && names[0] == "byte")
        {
            return true; // the default, without building display strings
        }

        var keyword = element.ToDisplayString();
        foreach (var name in names)
        {
            if (string.Equals(name, keyword, StringComparison.Ordinal)
                || string.Equals(name, element.Name, StringComparison.Ordinal)
                || string.Equals(name, element.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", ""), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the member is marked hot by an attribute or listed in <c>bounded.hot_path_methods</c>.</summary>
    public static bool IsHotMember(MemorySettings settings, ISymbol member)
    {
        var attributes = settings.HotPathAttributes;
        foreach (var attribute in member.GetAttributes())
        {
            var name = attribute.AttributeClass?.Name;
            if (name is null)
            {
                continue;
            }

            foreach (var wanted in attributes)
            {
                var shortName = wanted.EndsWith("Attribute", StringComparison.Ordinal) ? wanted.Substring(0, wanted.Length - "Attribute".Length) : wanted;
                var lastDot = shortName.LastIndexOf('.');
                if (lastDot >= 0)
                {
                    shortName = shortName.Substring(lastDot + 1);
                }

                if (name == shortName || name == shortName + "Attribute")
                {
                    return true;
                }
            }
        }

        var methods = settings.HotPathMethods;
        var type = member.ContainingType;
        foreach (var entry in methods)
        {
            if (entry == member.Name
                || type is not null && (entry == type.Name + "." + member.Name || entry == type.ToDisplayString() + "." + member.Name))
            {
                return true;
            }
        }

        return false;
    }

    public static MemorySettings Read(AnalyzerConfigOptionsProvider provider, SyntaxTree tree) => new(
        OptionCatalog.PooledElementTypes.GetList(provider, tree, RuleIds.HotPathByteArray),
        MinSize(provider, tree),
        OptionCatalog.SmallLoopLimit.GetInteger(provider, tree, RuleIds.HotPathByteArray),
        OptionCatalog.HotPathAttributes.GetList(provider, tree, RuleIds.HotPathByteArray),
        OptionCatalog.HotPathMethods.GetList(provider, tree, RuleIds.HotPathByteArray));
}

/// <summary>The analyzer's options for one syntax tree, read once per tree and compilation.</summary>
internal sealed class MemorySettings
{
    public MemorySettings(ImmutableArray<string> pooledElementTypes, int minArraySize, int smallLoopLimit, ImmutableArray<string> hotPathAttributes, ImmutableArray<string> hotPathMethods)
    {
        PooledElementTypes = pooledElementTypes;
        MinArraySize = minArraySize;
        SmallLoopLimit = smallLoopLimit;
        HotPathAttributes = hotPathAttributes;
        HotPathMethods = hotPathMethods;
    }

    public ImmutableArray<string> PooledElementTypes { get; }
    public int MinArraySize { get; }
    public int SmallLoopLimit { get; }
    public ImmutableArray<string> HotPathAttributes { get; }
    public ImmutableArray<string> HotPathMethods { get; }
}
