from drf_spectacular.openapi import AutoSchema


class PolkuAutoSchema(AutoSchema):
    pass
