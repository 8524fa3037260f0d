from tests.access_matrix import ROLES, Expect

# A fully signed-in persona has passed the second factor already: both steps send them on.
_signed_in_redirect = dict.fromkeys(ROLES, 302)

EXPECTATIONS = {
    "accounts:otp_verify": Expect(statuses=_signed_in_redirect),
    "accounts:otp_enrol": Expect(statuses=_signed_in_redirect),
}
