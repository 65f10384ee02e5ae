"""The participation domain's tables, one module per area (R-PAR-1 … R-PAR-4)."""

from qiaomen.participation.models.activities import (  # noqa: F401
    Activity,
    ActivityKind,
    Attendance,
    AttendanceVia,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingAttendee,
    MeetingDecision,
    ResidentGroup,
    SignUp,
    SignUpChannel,
)
