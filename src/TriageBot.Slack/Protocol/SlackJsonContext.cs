using System.Text.Json.Serialization;
using TriageBot.Slack.Api;
using TriageBot.Slack.App;
using TriageBot.Slack.SocketMode;

namespace TriageBot.Slack.Protocol;

/// <summary>Source-generated JSON metadata for every Slack payload we read or write.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    MaxDepth = 64,
    Converters = [typeof(LenientStringConverter)])]
[JsonSerializable(typeof(EventEnvelope))]
[JsonSerializable(typeof(SlackEvent))]
[JsonSerializable(typeof(InteractionPayload))]
[JsonSerializable(typeof(SlackResponse))]
[JsonSerializable(typeof(ChatPostMessageRequest))]
[JsonSerializable(typeof(ChatPostMessageResponse))]
[JsonSerializable(typeof(ConversationsHistoryResponse))]
[JsonSerializable(typeof(ChatPostEphemeralRequest))]
[JsonSerializable(typeof(ResponseUrlMessage))]
[JsonSerializable(typeof(RespondWork))]
[JsonSerializable(typeof(UpdateViewWork))]
[JsonSerializable(typeof(ChatPostEphemeralResponse))]
[JsonSerializable(typeof(ChatUpdateRequest))]
[JsonSerializable(typeof(ChatUpdateResponse))]
[JsonSerializable(typeof(ConversationsOpenRequest))]
[JsonSerializable(typeof(ConversationsOpenResponse))]
[JsonSerializable(typeof(UsersInfoResponse))]
[JsonSerializable(typeof(ViewsOpenRequest))]
[JsonSerializable(typeof(ViewsPushRequest))]
[JsonSerializable(typeof(ViewsUpdateRequest))]
[JsonSerializable(typeof(ViewsPublishRequest))]
[JsonSerializable(typeof(ViewResponse))]
[JsonSerializable(typeof(FilesGetUploadUrlExternalResponse))]
[JsonSerializable(typeof(FilesCompleteUploadExternalResponse))]
[JsonSerializable(typeof(ChatGetPermalinkResponse))]
[JsonSerializable(typeof(OAuthV2AccessResponse))]
[JsonSerializable(typeof(AppsConnectionsOpenResponse))]
[JsonSerializable(typeof(InstallationMetadata))]
[JsonSerializable(typeof(List<UploadedFile>))]
[JsonSerializable(typeof(PostMessageWork))]
[JsonSerializable(typeof(UpdateMessageWork))]
[JsonSerializable(typeof(PublishHomeWork))]
[JsonSerializable(typeof(SendDigestWork))]
[JsonSerializable(typeof(DigestChartWork))]
[JsonSerializable(typeof(SlashCommandWork))]
[JsonSerializable(typeof(ModalContext))]
[JsonSerializable(typeof(SocketMessage))]
[JsonSerializable(typeof(SocketAck))]
internal sealed partial class SlackJsonContext : JsonSerializerContext;
