using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Analyzers;

/// <summary>The type of value an option takes.</summary>
public enum OptionType
{
    Integer,
    Boolean,
    List,
}

/// <summary>
/// One <c>.editorconfig</c> option: its name (read as <c>bounded.&lt;name&gt;</c> or <c>bounded.&lt;id&gt;.&lt;name&gt;</c>),
/// default, accepted range and the rules that read it. The README's option table and the rule pages are checked
/// against these definitions by a test.
/// </summary>
public sealed class OptionDefinition
{
    internal OptionDefinition(string name, OptionType type, string defaultText, ImmutableArray<string> readBy, int defaultInteger = 0, int min = int.MinValue, int max = int.MaxValue, bool defaultBoolean = false, ImmutableArray<string> defaultList = default)
    {
        Name = name;
        Type = type;
        DefaultText = defaultText;
        ReadBy = readBy;
        DefaultInteger = defaultInteger;
        Min = min;
        Max = max;
        DefaultBoolean = defaultBoolean;
        DefaultList = defaultList.IsDefault ? ImmutableArray<string>.Empty : defaultList;
    }

    public string Name { get; }
    public OptionType Type { get; }

    /// <summary>The default as the README shows it.</summary>
    public string DefaultText { get; }

    /// <summary>The rule IDs whose analyzer or fix reads the option.</summary>
    public ImmutableArray<string> ReadBy { get; }

    public int DefaultInteger { get; }
    public int Min { get; }
    public int Max { get; }
    public bool DefaultBoolean { get; }
    public ImmutableArray<string> DefaultList { get; }

    public int GetInteger(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId) =>
        BoundedOptions.GetInt(provider, tree, ruleId, Name, DefaultInteger, Min, Max);

    /// <summary>A value in range, or null when the option is unset or invalid (the default is computed by the caller).</summary>
    public int? GetOptionalInteger(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId)
    {
        var value = BoundedOptions.GetInt(provider, tree, ruleId, Name, int.MinValue, Min, Max);
        return value == int.MinValue ? null : value;
    }

    public bool GetBoolean(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId) =>
        BoundedOptions.GetBool(provider, tree, ruleId, Name, DefaultBoolean);

    public ImmutableArray<string> GetList(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId) =>
        BoundedOptions.GetList(provider, tree, ruleId, Name, DefaultList);

    /// <summary>Null when the readers accept <paramref name="raw"/>, else what a valid value looks like.</summary>
    public string? Problem(string raw)
    {
        raw = raw.Trim();
        switch (Type)
        {
            case OptionType.Integer:
                if (BoundedOptions.TryParseInt(raw, Min, Max, out _))
                {
                    return null;
                }

                return Max == int.MaxValue
                    ? "is not a whole number of at least " + Min.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : "is not a whole number from " + Min.ToString(System.Globalization.CultureInfo.InvariantCulture) + " to " + Max.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case OptionType.Boolean:
                return bool.TryParse(raw, out _) ? null : "is neither true nor false";
            default:
                return null;
        }
    }
}

/// <summary>Every option Bounded reads, in one place.</summary>
public static class OptionCatalog
{
    public static readonly OptionDefinition MaxConcurrency = new(
        "max_concurrency", OptionType.Integer, "Environment.ProcessorCount",
        Ids(RuleIds.UnboundedTaskSpawn, RuleIds.UnboundedAsyncFanOut, RuleIds.ThreadPerItem, RuleIds.UnlimitedParallelism), min: 1);

    public static readonly OptionDefinition MaxIoConcurrency = new(
        "max_io_concurrency", OptionType.Integer, "16",
        Ids(RuleIds.UnboundedTaskSpawn, RuleIds.UnboundedAsyncFanOut), defaultInteger: 16, min: 1);

    public static readonly OptionDefinition MaxBackgroundWork = new(
        "max_background_work", OptionType.Integer, "32", Ids(RuleIds.SpawnPerRequest), defaultInteger: 32, min: 1);

    public static readonly OptionDefinition RequestHandlerTypes = new(
        "request_handler_types", OptionType.List, "(none)", Ids(RuleIds.SpawnPerRequest));

    public static readonly OptionDefinition SmallLoopLimit = new(
        "small_loop_limit", OptionType.Integer, "16",
        Ids(RuleIds.UnboundedTaskSpawn, RuleIds.UnboundedAsyncFanOut, RuleIds.ThreadPerItem, RuleIds.HotPathByteArray), defaultInteger: 16, min: 0);

    public static readonly OptionDefinition QueueCapacity = new(
        "queue_capacity", OptionType.Integer, "1024", Ids(RuleIds.UnboundedQueue, RuleIds.SpawnPerRequest), defaultInteger: 1024, min: 1);

    public static readonly OptionDefinition HotPathAttributes = new(
        "hot_path_attributes", OptionType.List, "HotPath, PerformanceSensitive", Ids(RuleIds.HotPathByteArray),
        defaultList: ImmutableArray.Create("HotPath", "PerformanceSensitive"));

    public static readonly OptionDefinition HotPathMethods = new(
        "hot_path_methods", OptionType.List, "(none)", Ids(RuleIds.HotPathByteArray));

    public static readonly OptionDefinition PooledElementTypes = new(
        "pooled_element_types", OptionType.List, "byte", Ids(RuleIds.HotPathByteArray), defaultList: ImmutableArray.Create("byte"));

    public static readonly OptionDefinition MinArraySize = new(
        "min_array_size", OptionType.Integer, "256", Ids(RuleIds.HotPathByteArray), defaultInteger: 256, min: 0);

    public static readonly OptionDefinition ClearPooledArrays = new(
        "clear_pooled_arrays", OptionType.Boolean, "false", Ids(RuleIds.HotPathByteArray));

    public static readonly OptionDefinition MaxStackallocBytes = new(
        "max_stackalloc_bytes", OptionType.Integer, "256", Ids(RuleIds.HotPathByteArray), defaultInteger: 256, min: 0, max: 1024 * 1024);

    public static readonly OptionDefinition TaskOwnershipMethods = new(
        "task_ownership_methods", OptionType.List, "(none)", Ids(RuleIds.DetachedTaskWithoutToken));

    public static readonly OptionDefinition ReportTokenlessWork = new(
        "report_tokenless_work", OptionType.Boolean, "false", Ids(RuleIds.DetachedTaskWithoutToken));

    public static readonly OptionDefinition ReportExceptionPaths = new(
        "report_exception_paths", OptionType.Boolean, "false", Ids(RuleIds.SemaphoreMisuse, RuleIds.RentedArrayNotReturned, RuleIds.MemoryOwnerNotDisposed));

    public static readonly OptionDefinition ExcludeTestProjects = new(
        "exclude_test_projects", OptionType.Boolean, "false",
        Ids(RuleIds.DetachedTaskWithoutToken, RuleIds.UnboundedQueue, RuleIds.UnlimitedParallelism));

    public static readonly ImmutableArray<OptionDefinition> All = ImmutableArray.Create(
        MaxConcurrency, MaxIoConcurrency, MaxBackgroundWork, RequestHandlerTypes, SmallLoopLimit, QueueCapacity, HotPathAttributes, HotPathMethods, PooledElementTypes, MinArraySize,
        ClearPooledArrays, MaxStackallocBytes, TaskOwnershipMethods, ReportTokenlessWork, ReportExceptionPaths, ExcludeTestProjects);

    /// <summary>The option called <paramref name="name"/>, or null.</summary>
    public static OptionDefinition? Find(string name)
    {
        foreach (var option in All)
        {
            if (option.Name == name)
            {
                return option;
            }
        }

        return null;
    }

    private static ImmutableArray<string> Ids(params string[] ids) => ImmutableArray.Create(ids);
}
